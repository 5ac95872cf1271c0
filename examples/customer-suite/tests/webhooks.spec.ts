import { expect, test } from '@credentials-console/testing';

test('a leaked secret is deactivated and the receiver gets credential.leaked', async ({
  credentialsPage,
  webhooks,
  tokens,
  tenant,
  request,
}) => {
  const secret = await credentialsPage.addSecret({ name: 'Mobile app' });
  await credentialsPage.activate(secret.name);

  // A secret scanner found the value in a public repository and reports it, as GitHub's would.
  const report = await request.post('/api/secrets/revoke', { data: { secrets: [secret.value] } });
  expect(report.status()).toBe(202);

  const leaked = await webhooks.waitFor('credential.leaked', (event) => event.data.credential.name === secret.name);
  expect(leaked.data.organization_id).toBe(tenant.id);
  expect(leaked.data.credential).toMatchObject({ preview: `uqs_…${secret.value.slice(-4)}`, status: 'disabled' });
  expect(JSON.stringify(leaked)).not.toContain(secret.value);
  expect(await credentialsPage.status(secret.name)).toBe('Disabled');
  expect((await tokens.get({ secret: secret.value })).status).toBe(401);

  await credentialsPage.remove(secret.name);
});
