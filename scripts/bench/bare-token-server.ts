// A reference for `npm run bench:token`: the least a Node process can do for a client-credentials token —
// bare node:http, a cached SHA-256 lookup, an ES256 JWS signed with jose (WebCrypto, off the event loop),
// one write per response. No database, no limits, no audit: the ceiling the project's endpoint is held to.
// Usage: tsx scripts/bench/bare-token-server.ts <port>   (BENCH_CLIENT_ID, BENCH_CLIENT_SECRET in the environment)
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { SignJWT, generateKeyPair } from 'jose';

const port = Number(process.argv[2] ?? 3410);
const clientId = process.env.BENCH_CLIENT_ID ?? 'bench-client';
const secretHash = createHash('sha256')
  .update(process.env.BENCH_CLIENT_SECRET ?? 'bench-secret')
  .digest('hex');
const cache = new Map([[secretHash, { clientId }]]);
const { privateKey } = await generateKeyPair('ES256');

function send(res: http.ServerResponse, status: number, body: object) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

http
  .createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') return send(res, 400, { error: 'unsupported_grant_type' });
      const found = cache.get(
        createHash('sha256')
          .update(form.get('client_secret') ?? '')
          .digest('hex'),
      );
      if (!found || found.clientId !== form.get('client_id')) return send(res, 401, { error: 'invalid_client' });
      const jti = randomUUID();
      const token = await new SignJWT({ client_id: found.clientId, scope: 'sdk api' })
        .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt' })
        .setIssuer('http://localhost')
        .setSubject(found.clientId)
        .setAudience('http://localhost/api/v1')
        .setIssuedAt()
        .setExpirationTime('1800s')
        .setJti(jti)
        .sign(privateKey);
      send(res, 200, { access_token: token, token_type: 'bearer', expires_in: 1800, scope: 'sdk api', jti });
    });
  })
  .listen(port, () => console.log(`bare token server ready on ${port}`));
