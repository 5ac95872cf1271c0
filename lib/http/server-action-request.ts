/** Next.js's default `serverActions.bodySizeLimit`, which next.config.mjs keeps. */
export const SERVER_ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

/** A field of a server action's multipart body that holds one row of React's reply encoding: JSON. */
const REPLY_ROW = /^\d+$/;

/**
 * Whether Next.js takes a POST for a server action, and so checks its origin and decodes its body, answering
 * 500 when either fails: a `Next-Action` header (an action called from the page) or a multipart body (a form
 * posted before the page's scripts ran). A url-encoded POST it leaves to the route.
 */
export function isServerActionRequest(method: string, headers: Pick<Headers, 'get' | 'has'>): boolean {
  return (
    method === 'POST' &&
    (headers.has('next-action') || (headers.get('content-type') ?? '').toLowerCase().startsWith('multipart/form-data'))
  );
}

async function readAtMost(body: ReadableStream<Uint8Array> | null, maxBytes: number): Promise<Buffer | null> {
  if (!body) return Buffer.alloc(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      // Not awaited: the cancellation of one branch of a cloned body settles only once the other is cancelled too.
      reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/**
 * Why Next.js could not read a server action's body, which it would answer with a 500: larger than its limit
 * (413), a multipart body that does not parse, or a row of React's reply encoding that is not JSON (400). Null
 * when the body is fit to be decoded. Reads a copy of the body: the request itself goes on untouched.
 */
export async function serverActionBodyProblem(
  request: Request,
): Promise<{ status: 400 | 413; message: string } | null> {
  if (Number(request.headers.get('content-length') ?? 0) > SERVER_ACTION_BODY_LIMIT_BYTES)
    return { status: 413, message: 'The request is too large.' };
  const bytes = await readAtMost(request.clone().body, SERVER_ACTION_BODY_LIMIT_BYTES);
  if (bytes === null) return { status: 413, message: 'The request is too large.' };
  const contentType = request.headers.get('content-type') ?? '';
  const malformed = { status: 400 as const, message: 'The request could not be read.' };
  if (contentType.toLowerCase().startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
    } catch {
      return malformed;
    }
    if (!request.headers.has('next-action')) return null;
    for (const [name, value] of form)
      if (REPLY_ROW.test(name) && typeof value === 'string' && !isJson(value)) return malformed;
    return null;
  }
  return isJson(bytes.toString('utf8')) ? null : malformed;
}
