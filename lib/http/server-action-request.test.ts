import { describe, expect, it } from 'vitest';
import {
  SERVER_ACTION_BODY_LIMIT_BYTES,
  isServerActionRequest,
  serverActionBodyProblem,
} from '@/lib/http/server-action-request';

const ACTION = { 'next-action': '40'.padEnd(42, 'a') };
const post = (body: BodyInit, headers: Record<string, string>) =>
  new Request('http://portal.test/credentials', { method: 'POST', body, headers });

function multipart(fields: Record<string, string>): { body: string; type: string } {
  const parts = Object.entries(fields).map(
    ([name, value]) => `--b\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return { body: `${parts.join('')}--b--\r\n`, type: 'multipart/form-data; boundary=b' };
}

describe('server action requests', () => {
  it('are the POSTs Next.js decodes as one: a Next-Action header or a multipart body', () => {
    expect(isServerActionRequest('POST', new Headers(ACTION))).toBe(true);
    expect(isServerActionRequest('POST', new Headers({ 'content-type': 'multipart/form-data; boundary=x' }))).toBe(
      true,
    );
    expect(isServerActionRequest('POST', new Headers({ 'content-type': 'application/x-www-form-urlencoded' }))).toBe(
      false,
    );
    expect(isServerActionRequest('POST', new Headers({ 'content-type': 'application/json' }))).toBe(false);
    expect(isServerActionRequest('GET', new Headers(ACTION))).toBe(false);
  });

  it('allows the bodies React sends: JSON, or multipart whose numbered rows are JSON', async () => {
    expect(
      await serverActionBodyProblem(post('[{"credentialId":"x"}]', { ...ACTION, 'content-type': 'text/plain' })),
    ).toBe(null);
    const form = multipart({ '0': '["$K1"]', '1_name': 'not JSON, a form field' });
    expect(await serverActionBodyProblem(post(form.body, { ...ACTION, 'content-type': form.type }))).toBe(null);
    // A form posted without JavaScript: its fields are the form's own.
    const plain = multipart({ name: '{{{' });
    expect(await serverActionBodyProblem(post(plain.body, { 'content-type': plain.type }))).toBe(null);
  });

  it('blocks a body Next.js could not decode with 400, and one over its limit with 413', async () => {
    expect(await serverActionBodyProblem(post('{{{{{', { ...ACTION, 'content-type': 'text/plain' }))).toMatchObject({
      status: 400,
    });
    expect(
      await serverActionBodyProblem(post('garbage', { ...ACTION, 'content-type': 'multipart/form-data; boundary=b' })),
    ).toMatchObject({ status: 400 });
    expect(
      await serverActionBodyProblem(post('garbage', { 'content-type': 'multipart/form-data; boundary=b' })),
    ).toMatchObject({ status: 400 });
    const junk = multipart({ '0': '{{{' });
    expect(await serverActionBodyProblem(post(junk.body, { ...ACTION, 'content-type': junk.type }))).toMatchObject({
      status: 400,
    });
    const large = JSON.stringify(['x'.repeat(SERVER_ACTION_BODY_LIMIT_BYTES)]);
    expect(await serverActionBodyProblem(post(large, { ...ACTION, 'content-type': 'text/plain' }))).toMatchObject({
      status: 413,
    });
  });
});
