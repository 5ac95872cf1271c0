import { expect, type Page, test } from '@playwright/test';
import { startSmtpSink } from '../tests/helpers/smtp-sink';
import { deleteTenant, createTenant, signIn, thisServer } from './helpers';

// A colleague joins and leaves: an admin invites a viewer on Account › Members, the invitee follows the link
// in the mail (received by an SMTP server in this process, on the port of the server's SMTP_URL), chooses a
// name and password, and lands on Credentials without Add Secret; the admin makes them an admin, then removes
// them, and the page the invitee still has open is signed out on its next request.

let sink: Awaited<ReturnType<typeof startSmtpSink>>;

test.beforeAll(async () => {
  sink = await startSmtpSink({ port: thisServer().smtpPort });
});

test.afterAll(async () => {
  await sink?.stop();
});

function memberRow(page: Page, email: string) {
  return page.getByTestId('member-row').filter({ hasText: email });
}

async function memberMenu(page: Page, email: string, item: string) {
  await memberRow(page, email)
    .getByRole('button', { name: `Actions for ${email}` })
    .click();
  await page.getByRole('menuitem', { name: item }).click();
}

test('an invited viewer joins from the emailed link, is made an admin, and is signed out once removed', async ({
  page,
  browser,
}) => {
  // Two browsers, a mail and five page loads each way.
  test.setTimeout(90_000);
  const tenant = createTenant('Members');
  try {
    const invitee = `invitee-${Date.now()}@example.test`;
    await signIn(page, tenant.admin.email, tenant.admin.password);
    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Members' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible();
    await expect(memberRow(page, tenant.admin.email)).toContainText('Admin');

    await page.getByRole('button', { name: 'Invite member' }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite member' });
    await dialog.getByLabel('Email').fill(invitee);
    await dialog.getByLabel('Role').selectOption('Viewer');
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('invitation-row').filter({ hasText: invitee })).toContainText('Viewer');

    // The mail: one link, to this portal, with the token in its fragment.
    await expect
      .poll(() => sink.received.filter((mail) => mail.to.includes(invitee)).length, { timeout: 20_000 })
      .toBe(1);
    const mail = sink.received.find((sent) => sent.to.includes(invitee))!;
    expect(mail.subject).toContain(`invited you to ${tenant.name}`);
    const link = mail.text.match(/(https?:\/\/\S+\/invitation#token=inv_[A-Za-z0-9_-]+)/)?.[1];
    expect(link).toBeTruthy();

    // The invitee, in a browser of their own.
    const theirs = await browser.newContext();
    const them = await theirs.newPage();
    await them.goto(link!);
    await expect(them.getByRole('heading', { name: `Join ${tenant.name}` })).toBeVisible();
    await expect(them, 'the token leaves the address bar').toHaveURL(/\/invitation$/);
    await them.getByLabel('Name').fill('Ivy Invitee');
    await them.getByLabel('Password').fill('a long enough password');
    await them.getByRole('button', { name: 'Accept invitation' }).click();
    await expect(them).toHaveURL(/\/credentials$/);
    await expect(them.getByRole('heading', { level: 1, name: 'Credentials' })).toBeVisible();
    await expect(them.getByRole('button', { name: 'Add Secret' })).toHaveCount(0);

    // The link works once.
    const again = await browser.newContext();
    const replay = await again.newPage();
    await replay.goto(link!);
    await expect(replay.getByRole('main').getByRole('alert')).toContainText('already accepted');
    await again.close();

    // The admin makes them an admin: their next page has Add Secret.
    await page.reload();
    await expect(page.getByTestId('invitation-row')).toHaveCount(0);
    await expect(memberRow(page, invitee)).toContainText('Viewer');
    await memberMenu(page, invitee, 'Change role');
    const change = page.getByRole('dialog', { name: 'Change role of Ivy Invitee' });
    await change.getByLabel('Role').selectOption('Admin');
    await change.getByRole('button', { name: 'Change role' }).click();
    await expect(change).toBeHidden();
    await expect(memberRow(page, invitee)).toContainText('Admin');
    await them.reload();
    await expect(them.getByRole('button', { name: 'Add Secret' })).toBeVisible();

    // Removed: the page they still have open is signed out on its next request.
    await memberMenu(page, invitee, 'Remove');
    const confirm = page.getByRole('alertdialog', { name: 'Remove Ivy Invitee?' });
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect(confirm).toBeHidden();
    await expect(memberRow(page, invitee)).toHaveCount(0);
    await them.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Webhooks' }).click();
    await expect(them).toHaveURL(/\/sign-in/);
    await theirs.close();
  } finally {
    deleteTenant(tenant.organizationId);
  }
});
