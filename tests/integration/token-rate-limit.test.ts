import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateSecret } from '@/lib/credentials/format';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { organizationWithAdmin, resetRateLimits } from '../helpers/fixtures';

process.env.TOKEN_FAILURES_PER_CLIENT = '5';
process.env.TOKEN_FAILURES_PER_ADDRESS = '8';

let acme: Awaited<ReturnType<typeof organizationWithAdmin>>;
beforeAll(async () => {
  acme = await organizationWithAdmin('Acme');
});
beforeEach(async () => {
  // Limiters keep blocked keys in memory too; each test uses its own addresses and clients.
  await resetRateLimits();
});

function attempt(clientId: string, secret: string, address: string) {
  return handleTokenRequest({
    contentType: 'application/x-www-form-urlencoded',
    authorization: null,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }).toString(),
    address,
  });
}

describe('failed client authentications are rate-limited', () => {
  it('blocks a client id after 5 failures with 429 and Retry-After, from any address', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await attempt(acme.clientId, generateSecret(), `10.0.0.${i}`)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const limited = await attempt(acme.clientId, generateSecret(), '10.0.1.1');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['Retry-After'])).toBeGreaterThan(0);
    expect(Number(limited.headers['Retry-After'])).toBeLessThanOrEqual(60);
    expect(JSON.parse(limited.body).error).toBe('invalid_client');
  });

  it('still gives a correct secret its token while its client is under attack', async () => {
    const { value } = await acme.secret('ACTIVE');
    for (let i = 0; i < 10; i++) await attempt(acme.clientId, generateSecret(), '10.0.2.1');
    expect((await attempt(acme.clientId, generateSecret(), '10.0.2.1')).status).toBe(429);
    expect((await attempt(acme.clientId, value, '10.0.2.1')).status).toBe(200);
  });

  it('blocks an address that sprays many client ids, but not other addresses', async () => {
    const statuses = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await attempt(`client-${i}-${Date.now()}`, generateSecret(), '10.0.3.1')).status);
    expect(statuses.slice(0, 8).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(8)).toEqual([429, 429]);
    expect((await attempt(`client-x-${Date.now()}`, generateSecret(), '10.0.3.2')).status).toBe(401);
  });
});
