import { expect, test } from '@playwright/test';
import { createTenant, signIn } from './helpers';

test('an admin chooses which emails they get on the Security page, and the choice stays', async ({ page }) => {
  const tenant = createTenant('Email preferences suite');
  await signIn(page, tenant.admin.email, tenant.admin.password);
  await page.goto('/security');

  const choices = page.getByRole('group', { name: 'Email me about …' });
  const boxes = choices.getByRole('checkbox');
  await expect(boxes).toHaveCount(6);
  // All on by default.
  for (const box of await boxes.all()) await expect(box).toBeChecked();

  const calls = choices.getByRole('checkbox', { name: 'Calls from new addresses' });
  const expiring = choices.getByRole('checkbox', { name: 'Credentials about to stop' });
  await calls.uncheck();
  await expect(calls).not.toBeChecked();
  await expect(calls).toBeEnabled();
  await expiring.uncheck();
  await expect(expiring).toBeEnabled();

  await page.reload();
  await expect(choices.getByRole('checkbox', { name: 'Calls from new addresses' })).not.toBeChecked();
  await expect(choices.getByRole('checkbox', { name: 'Credentials about to stop' })).not.toBeChecked();
  await expect(choices.getByRole('checkbox', { name: 'Secrets reported leaked' })).toBeChecked();

  // And back on.
  await choices.getByRole('checkbox', { name: 'Calls from new addresses' }).check();
  await expect(choices.getByRole('checkbox', { name: 'Calls from new addresses' })).toBeEnabled();
  await page.reload();
  await expect(choices.getByRole('checkbox', { name: 'Calls from new addresses' })).toBeChecked();
  await expect(choices.getByRole('checkbox', { name: 'Credentials about to stop' })).not.toBeChecked();
});

test('a viewer is offered no organization emails', async ({ page }) => {
  await signIn(page, 'viewer@acme.test');
  await page.goto('/security');
  await expect(page.getByRole('heading', { name: 'Sessions' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Email me about …' })).toHaveCount(0);
});
