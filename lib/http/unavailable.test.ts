import { describe, expect, it } from 'vitest';
import { UNAVAILABLE_ACTION_RESULT, retryableOnOutage, serviceUnavailableJson } from '@/lib/http/unavailable';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('server actions and API routes during an outage', () => {
  it('turn an unreachable database into a retryable result or a 503, and let anything else through', async () => {
    await expect(retryableOnOutage(async () => ({ ok: true }))).resolves.toEqual({ ok: true });
    await expect(retryableOnOutage(() => Promise.reject(refused()))).resolves.toEqual(UNAVAILABLE_ACTION_RESULT);
    expect(UNAVAILABLE_ACTION_RESULT).toMatchObject({
      ok: false,
      retryable: true,
      message: expect.stringMatching(/can't reach the service/),
    });
    await expect(retryableOnOutage(() => Promise.reject(new TypeError('bug')))).rejects.toThrow('bug');

    const response = serviceUnavailableJson(refused(), Date.now());
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('2');
    expect(await response.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(() => serviceUnavailableJson(new TypeError('bug'), Date.now() + 60_000)).toThrow('bug');
  });
});
