// Relative links in the README and docs/: each must lead to a file that exists and, with a #fragment, to a
// heading of that file. Used by docs-links.test.ts.
import path from 'node:path';

export interface BrokenLink {
  file: string;
  target: string;
  reason: string;
}

/** GitHub's anchor of a heading: its text lower-cased, punctuation dropped, spaces turned into hyphens. */
export function slugOf(heading: string): string {
  return heading
    .replace(/`/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** The text outside fenced code blocks, line by line (fences hold examples, not links). */
function proseLines(markdown: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) lines.push(line);
  }
  return lines;
}

/** Every anchor a file's headings give, numbered as GitHub numbers repeats ("x", "x-1", …). */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of proseLines(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = slugOf(heading[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** The targets of inline links and images, and of reference definitions, outside code. */
export function linksOf(markdown: string): string[] {
  const targets: string[] = [];
  for (const line of proseLines(markdown)) {
    const prose = line.replace(/`[^`]*`/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) targets.push(match[1]!);
    const definition = /^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/.exec(prose);
    if (definition) targets.push(definition[1]!);
  }
  return targets;
}

const EXTERNAL = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Broken relative links among `files` (repository-relative path → text). `exists` answers for paths that are
 * not among them (images, source files).
 */
export function brokenLinks(files: ReadonlyMap<string, string>, exists: (file: string) => boolean): BrokenLink[] {
  const broken: BrokenLink[] = [];
  for (const [file, text] of files) {
    for (const target of linksOf(text)) {
      if (EXTERNAL.test(target)) continue;
      const [rawPath = '', fragment] = target.split('#', 2) as [string, string | undefined];
      const linked =
        rawPath === '' ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(rawPath)));
      const known = files.has(linked) || exists(linked);
      if (!known) {
        broken.push({ file, target, reason: `no file ${linked}` });
        continue;
      }
      if (fragment === undefined) continue;
      const linkedText = files.get(linked);
      if (linkedText === undefined) {
        broken.push({ file, target, reason: `${linked} is not a markdown file of the check` });
        continue;
      }
      if (!anchorsOf(linkedText).has(decodeURIComponent(fragment)))
        broken.push({ file, target, reason: `no heading #${fragment} in ${linked}` });
    }
  }
  return broken;
}
