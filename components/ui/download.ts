/**
 * Saves text as a file from the browser. A Blob URL names an in-memory object, never the text itself, and
 * is revoked right after the click, so a secret never appears in a URL or the history.
 */
export function downloadText(filename: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
