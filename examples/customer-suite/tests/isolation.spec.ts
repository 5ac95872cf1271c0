import { expect, test } from '@credentials-console/testing';

// Four of these run at once, one per worker when the other tests leave room: each worker's tenant, page and
// receiver must show that worker's own secrets and events and nobody else's.
for (const round of [1, 2, 3, 4]) {
  test(`a worker sees only its own tenant's credentials and events (${round})`, async ({
    credentialsPage,
    webhooks,
    tokens,
    tenant,
  }, testInfo) => {
    const name = `Worker ${testInfo.parallelIndex} round ${round}`;
    const secret = await credentialsPage.addSecret({ name });
    await credentialsPage.activate(name);
    await webhooks.waitFor('credential.activated', (event) => event.data.credential.name === name);

    // Another worker's secret (named after its worker) never shows in this tenant's list.
    const listed = await credentialsPage.page.getByTestId('secret-row').getByRole('link').allTextContents();
    expect(listed).toContain(name);
    const others = listed.filter(
      (listedName) => /^Worker \d+ /.test(listedName) && !listedName.startsWith(`Worker ${testInfo.parallelIndex} `),
    );
    expect(others).toEqual([]);
    // Every event this receiver verified is this tenant's.
    expect(webhooks.events().map((event) => event.data.organization_id)).toEqual(
      webhooks.events().map(() => tenant.id),
    );
    // The token names this tenant's client.
    const granted = await tokens.get({ secret: secret.value });
    const claims = JSON.parse(Buffer.from(String(granted.body.access_token).split('.')[1]!, 'base64url').toString());
    expect(claims.client_id).toBe(tenant.clientId);

    await credentialsPage.remove(name);
  });
}
