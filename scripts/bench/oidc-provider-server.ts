// A reference for `npm run bench:token`: node oidc-provider (the best-known Node OAuth server), in memory,
// issuing ES256 JWT access tokens for the client-credentials grant with client_secret_post.
// Usage: tsx scripts/bench/oidc-provider-server.ts <port>   (BENCH_CLIENT_ID, BENCH_CLIENT_SECRET in the environment)
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 3420);
const clientId = process.env.BENCH_CLIENT_ID ?? 'bench-client';
const resource = 'http://localhost/api/v1';
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), alg: 'ES256', use: 'sig', kid: 'bench' };

const provider = new Provider(`http://localhost:${port}`, {
  clients: [
    {
      client_id: clientId,
      client_secret: process.env.BENCH_CLIENT_SECRET ?? 'bench-secret',
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_post',
      scope: 'sdk api',
      id_token_signed_response_alg: 'ES256',
    },
  ],
  jwks: { keys: [jwk] },
  scopes: ['sdk', 'api'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'sdk api',
        audience: resource,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'ES256' } },
      }),
    },
  },
});
provider.listen(port, () => console.log(`oidc-provider ready on ${port}`));
