import { expect, test } from '@playwright/test';
import { startSsoProvider } from '../tests/helpers/sso-provider';
import { createTenant, deleteTenant, signIn, thisServer } from './helpers';

// Single sign-on in a browser: an admin sets it up on the Security page against an identity provider running in
// this process (node oidc-provider on 127.0.0.1; the server has OAUTH_ALLOW_LOOPBACK_HTTP=1), signs out, and a
// person of the domain who has no account yet continues with single sign-on, signs in at the identity
// provider's own page and lands on Credentials as a Viewer. Every refusal is proven in
// tests/integration/sso.test.ts instead.

test('an admin sets up single sign-on; a new person of the domain signs in through it as a Viewer', async ({
  page,
}) => {
  const idp = await startSsoProvider({ redirectUri: `${thisServer().baseURL}/api/auth/sso/callback` });
  const tenant = createTenant('SSO');
  const domain = `sso-${Date.now()}.example`;
  const person = `nia@${domain}`;
  idp.addAccount('nia', { email: person, email_verified: true, name: 'Nia Newcomer' });
  try {
    await signIn(page, tenant.admin.email, tenant.admin.password);
    await page.goto('/security');
    const section = page.getByRole('region', { name: 'Single sign-on' });
    await expect(section.getByText(`${thisServer().baseURL}/api/auth/sso/callback`)).toBeVisible();
    await section.getByLabel('Issuer URL').fill(idp.issuer);
    await section.getByLabel('Client ID').fill(idp.clientId);
    await section.getByLabel('Client secret').fill(idp.clientSecret);
    await section.getByLabel('Email domains').fill(domain);
    await section.getByLabel('Create accounts for new people from these domains').check();
    await section.getByRole('button', { name: 'Save single sign-on' }).click();
    await expect(page.getByText('Single sign-on saved.')).toBeVisible();
    // Write-only: after the save the page shows that a secret is set, never the secret.
    await page.reload();
    await expect(section.getByLabel('Client secret')).toHaveValue('');
    await expect(section.getByLabel('Client secret')).toHaveAttribute('placeholder', /^Set/);
    expect(await page.content()).not.toContain(idp.clientSecret);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await page.getByLabel('Email').fill(person);
    await page.getByRole('button', { name: 'Continue', exact: true }).click();

    // The identity provider's own sign-in page.
    await page.getByPlaceholder('Enter any login').fill('nia');
    await page.getByPlaceholder('and password').fill('any');
    await page.getByRole('button', { name: 'Sign-in' }).click();

    await expect(page).toHaveURL(/\/credentials$/);
    await expect(page.getByRole('heading', { level: 1, name: 'Credentials' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add Secret' })).toHaveCount(0);
    await page.goto('/security');
    await expect(page.getByRole('region', { name: 'Single sign-on' })).toContainText(domain);
  } finally {
    deleteTenant(tenant.organizationId);
    await idp.stop();
  }
});
