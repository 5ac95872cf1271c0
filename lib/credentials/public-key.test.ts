import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, exportSPKI, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { PRIVATE_KEY_MESSAGE, isPublicKeyAlgorithm, modulusBits, parsePublicKey, thumbprintOf } from './public-key';

async function pair(alg: 'ES256' | 'EdDSA' | 'RS256' | 'ES384', options: { modulusLength?: number } = {}) {
  return generateKeyPair(alg, { extractable: true, ...options });
}

async function parsed(text: string) {
  const result = await parsePublicKey(text);
  if (!result.ok) throw new Error(result.message);
  return result.key;
}

async function refusal(text: string) {
  const result = await parsePublicKey(text);
  if (result.ok) throw new Error(`accepted: ${text.slice(0, 60)}`);
  return result.message;
}

/** Certificate for CN=client.example with a P-256 key (made with openssl for this test; only public data). */
const CERTIFICATE = `-----BEGIN CERTIFICATE-----
MIIBhzCCAS2gAwIBAgIUGQxXN0vlYBZYWhzfIAys4qRbJnEwCgYIKoZIzj0EAwIw
GTEXMBUGA1UEAwwOY2xpZW50LmV4YW1wbGUwHhcNMjYxMTI5MDQ1NjM1WhcNMzYx
MTI2MDQ1NjM1WjAZMRcwFQYDVQQDDA5jbGllbnQuZXhhbXBsZTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABCRNEqq7sUlSgenj9JA1gJQyt1Rn2pzVezPtBp2qo2Po
YomCIj2fe6kv45Jz46CceYe0Uvt8pqpH4mnjotny59ujUzBRMB0GA1UdDgQWBBQK
ESFPGPjzEm/8o+i07LQJjHX0BDAfBgNVHSMEGDAWgBQKESFPGPjzEm/8o+i07LQJ
jHX0BDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIAVVMD2n2tOS
oP6mQUA/Qa0zPwSyPY/yTBcb1T8zqH/cAiEAmqivyL/UWy4+jVG5IUSB/+8Y2hUv
wvubtDyEgLil0qU=
-----END CERTIFICATE-----`;
const CERTIFICATE_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEJE0SqruxSVKB6eP0kDWAlDK3VGfa
nNV7M+0GnaqjY+hiiYIiPZ97qS/jknPjoJx5h7RS+3ymqkfiaeOi2fLn2w==
-----END PUBLIC KEY-----`;

describe('parsePublicKey accepts', () => {
  it('a P-256 JWK as ES256, with its thumbprint as kid, and the stored key verifies what the private key signs', async () => {
    const { publicKey, privateKey } = await pair('ES256');
    const jwk = await exportJWK(publicKey);
    const key = await parsed(JSON.stringify(jwk));
    const thumbprint = await calculateJwkThumbprint(jwk);
    expect(key.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: 'ES256', kid: thumbprint });
    expect(key.thumbprint).toBe(thumbprint);
    expect(key.description).toBe('ES256 (P-256)');

    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('c').sign(privateKey);
    const { importJWK } = await import('jose');
    await expect(jwtVerify(jwt, await importJWK(key.jwk, key.jwk.alg))).resolves.toBeTruthy();
  });

  it('an Ed25519 JWK as EdDSA and an RSA-2048 JWK as RS256, keeping a given kid', async () => {
    const ed = await exportJWK((await pair('EdDSA')).publicKey);
    expect((await parsed(JSON.stringify({ ...ed, kid: 'ci-2026-01', alg: 'EdDSA' }))).jwk).toEqual({
      kty: 'OKP',
      crv: 'Ed25519',
      x: ed.x,
      alg: 'EdDSA',
      kid: 'ci-2026-01',
    });
    const rsa = await exportJWK((await pair('RS256')).publicKey);
    const key = await parsed(JSON.stringify({ ...rsa, use: 'sig', key_ops: ['verify'], kid: 'rsa key #1' }));
    expect(key.jwk).toEqual({ kty: 'RSA', n: rsa.n, e: rsa.e, alg: 'RS256', kid: 'rsa key #1' });
    expect(key.description).toBe('RS256 (RSA 2048 bits)');
  });

  it('a JWKS with exactly one key, stripping every member but the public ones', async () => {
    const jwk = await exportJWK((await pair('ES256')).publicKey);
    const key = await parsed(
      JSON.stringify({ keys: [{ ...jwk, use: 'sig', x5t: 'abc', ext: true, custom: 'value', kid: 'k1' }] }),
    );
    expect(Object.keys(key.jwk).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'x', 'y']);
  });

  it('PEM public keys (SPKI of each kind, PKCS#1 RSA) and an X.509 certificate, with the default algorithm', async () => {
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const { publicKey } = await pair(alg);
      const key = await parsed(`\n  ${await exportSPKI(publicKey)}\n`);
      expect(key.jwk.alg).toBe(alg);
      expect(key.jwk.kid).toBe(await calculateJwkThumbprint(await exportJWK(publicKey)));
    }
    const rsa = generateKeyPairSync('rsa', { modulusLength: 3072 });
    const pkcs1 = rsa.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(pkcs1).toContain('BEGIN RSA PUBLIC KEY');
    expect((await parsed(pkcs1)).description).toBe('RS256 (RSA 3072 bits)');

    const fromCertificate = await parsed(CERTIFICATE);
    expect(fromCertificate.jwk).toEqual((await parsed(CERTIFICATE_KEY)).jwk);
    expect(fromCertificate.jwk.alg).toBe('ES256');
  });
});

describe('parsePublicKey refuses', () => {
  it('private keys, as JWK and as PEM, saying to keep them where they are', async () => {
    const { privateKey } = await pair('ES256');
    expect(await refusal(JSON.stringify(await exportJWK(privateKey)))).toBe(PRIVATE_KEY_MESSAGE);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    expect(await refusal(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString())).toBe(PRIVATE_KEY_MESSAGE);
    expect(await refusal(rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString())).toBe(PRIVATE_KEY_MESSAGE);
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    expect(await refusal(ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString())).toBe(PRIVATE_KEY_MESSAGE);
    // Pasted together with its public half, or cut off before its end line, it is still refused as private.
    const both = `${ec.publicKey.export({ type: 'spki', format: 'pem' })}${ec.privateKey.export({ type: 'pkcs8', format: 'pem' })}`;
    expect(await refusal(both)).toBe(PRIVATE_KEY_MESSAGE);
    expect(await refusal('-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49')).toBe(PRIVATE_KEY_MESSAGE);
  });

  it('symmetric keys and the algorithms it does not accept', async () => {
    expect(await refusal(JSON.stringify({ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }))).toMatch(/symmetric key/);
    const jwk = await exportJWK((await pair('ES256')).publicKey);
    for (const alg of ['HS256', 'none', 'ES384']) {
      expect(await refusal(JSON.stringify({ ...jwk, alg }))).toContain(`"${alg}" is not accepted`);
    }
    const rsa = await exportJWK((await pair('RS256')).publicKey);
    expect(await refusal(JSON.stringify({ ...rsa, alg: 'PS256' }))).toContain('"PS256" is not accepted');
    expect(await refusal(JSON.stringify({ ...rsa, alg: 'ES256' }))).toContain('not accepted');
    expect(await refusal(JSON.stringify({ ...jwk, use: 'enc' }))).toContain('"enc"');
    expect(await refusal(JSON.stringify({ ...jwk, key_ops: ['encrypt'] }))).toContain('"verify"');
  });

  it('other curves, as JWK and PEM', async () => {
    const p384 = await pair('ES384');
    expect(await refusal(JSON.stringify(await exportJWK(p384.publicKey)))).toContain('Curve "P-384" is not accepted');
    expect(await refusal(await exportSPKI(p384.publicKey))).toContain('Curve P-384 is not accepted');
    const x25519 = generateKeyPairSync('x25519');
    expect(await refusal(JSON.stringify(x25519.publicKey.export({ format: 'jwk' })))).toContain('"X25519"');
    expect(await refusal(x25519.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toContain(
      'x25519 key is not accepted',
    );
  });

  it('RSA keys shorter than 2048 bits, saying how long they are', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    expect(await refusal(JSON.stringify(small.publicKey.export({ format: 'jwk' })))).toBe(
      'This RSA key has 1024 bits; use one of at least 2048 bits.',
    );
    expect(await refusal(small.publicKey.export({ type: 'spki', format: 'pem' }).toString())).toContain('1024 bits');
  });

  it('malformed input of every sort', async () => {
    const jwk = await exportJWK((await pair('ES256')).publicKey);
    expect(await refusal('')).toContain('Paste a public key');
    expect(await refusal('{"kty": "EC",')).toContain('not valid JSON');
    expect(await refusal('[1, 2]')).toContain('neither a JWK');
    expect(await refusal('hello')).toContain('neither a JWK');
    expect(await refusal('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI me@laptop')).toContain('SSH keys are not supported');
    expect(await refusal(JSON.stringify({ keys: [] }))).toContain('holds 0 keys');
    expect(await refusal(JSON.stringify({ keys: [jwk, jwk] }))).toContain('holds 2 keys');
    expect(await refusal(JSON.stringify({ ...jwk, x: 'short' }))).toContain('malformed');
    // Right length, but not a point on the curve.
    expect(await refusal(JSON.stringify({ ...jwk, y: Buffer.alloc(32, 7).toString('base64url') }))).toContain(
      'could not be read',
    );
    expect(await refusal(JSON.stringify({ ...jwk, kid: 'x'.repeat(129) }))).toContain('"kid"');
    expect(await refusal(JSON.stringify({ ...jwk, kid: 'a\nb' }))).toContain('"kid"');
    expect(await refusal(JSON.stringify({ kty: 'EC' }))).toContain('Curve missing');
    expect(await refusal('-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----')).toContain(
      'could not be read',
    );
    expect(await refusal(`${CERTIFICATE_KEY}\n${CERTIFICATE_KEY}`)).toContain('Paste one PEM block');
    expect(await refusal('-----BEGIN PUBLIC KEY-----\nMFkw')).toContain('incomplete');
    expect(await refusal(`{"kty":"EC","pad":"${'x'.repeat(17_000)}"}`)).toContain('far longer');
  });
});

describe('the key rules the token endpoint shares', () => {
  it('accepts ES256, EdDSA and RS256 only (for pasted keys, assertions and the metadata alike)', () => {
    expect(['ES256', 'EdDSA', 'RS256'].every(isPublicKeyAlgorithm)).toBe(true);
    for (const alg of ['none', 'HS256', 'RS384', 'PS256', 'ES384', undefined])
      expect(isPublicKeyAlgorithm(alg)).toBe(false);
  });

  it('thumbprintOf gives a stored key the thumbprint it was added with, whatever its kid', async () => {
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const key = await parsed(JSON.stringify(await exportJWK((await pair(alg)).publicKey)));
      expect(await thumbprintOf({ ...key.jwk, kid: 'renamed' })).toBe(key.thumbprint);
    }
    expect(await thumbprintOf({ kty: 'oct', k: 'c2VjcmV0' })).toBeNull();
    expect(await thumbprintOf(null)).toBeNull();
  });

  it('counts an RSA modulus in bits, not whole bytes', async () => {
    const odd = generateKeyPairSync('rsa', { modulusLength: 3070 }).publicKey;
    const { n } = odd.export({ format: 'jwk' });
    expect(modulusBits(n!)).toBe(3070);
    expect((await parsed(JSON.stringify(odd.export({ format: 'jwk' })))).description).toBe('RS256 (RSA 3070 bits)');
  });
});
