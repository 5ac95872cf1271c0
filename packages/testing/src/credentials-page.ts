import { expect, type Locator, type Page } from '@playwright/test';

export type CredentialStatus = 'Active' | 'Disabled' | 'Expired';

/** The choices the Set expiry dialog offers as a number of days; other numbers are picked as a date. */
const DAY_CHOICES = new Set([30, 90, 365]);

/**
 * The Credentials page, driven only through the accessible names the portal documents as stable
 * (docs/testing.md, "Accessible names"), so a redesign that keeps them keeps this working. Credentials are
 * found by their name, as a person finds them in the list.
 */
export class CredentialsPage {
  constructor(
    readonly page: Page,
    private readonly portalUrl: string,
  ) {}

  /** Goes to the Credentials page unless it is already showing. */
  async open(): Promise<void> {
    const heading = this.page.getByRole('heading', { level: 1, name: 'Credentials' });
    if (new URL(this.page.url(), this.portalUrl).pathname === '/credentials' && (await heading.isVisible())) return;
    await this.page.goto(new URL('/credentials', this.portalUrl).href);
    await expect(heading).toBeVisible();
  }

  /** The list's row of the credential named `name` (its name is a link to its page). */
  row(name: string): Locator {
    return this.page.getByTestId('secret-row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }

  private async menuItem(name: string, item: string): Promise<void> {
    await this.open();
    const row = this.row(name);
    await expect(row, `no credential named "${name}" is listed`).toHaveCount(1);
    await row.getByRole('button', { name: /^Actions for / }).click();
    await this.page.getByRole('menuitem', { name: item, exact: true }).click();
  }

  /**
   * Adds a secret with Add Secret, names it (when `name` is given) in the dialog that shows it, and closes the
   * dialog. The value is shown only there, so this is the one chance to read it. The secret starts disabled.
   */
  async addSecret({ name }: { name?: string } = {}): Promise<{ name: string; value: string }> {
    await this.open();
    await this.page.getByRole('button', { name: 'Add Secret' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'New secret created' });
    const shown = dialog.getByTestId('secret-value');
    await expect(shown).toHaveText(/^\S+$/);
    const value = (await shown.textContent())!.trim();
    const nameBox = dialog.getByRole('textbox', { name: 'Name' });
    if (name !== undefined) {
      await nameBox.fill(name);
      await dialog.getByRole('button', { name: 'Save name' }).click();
      // The field's description says "Saved as …" once the rename is stored, or why it was refused.
      await expect(nameBox).toHaveAccessibleDescription(`Saved as “${name.trim()}”.`);
    }
    const saved = name?.trim() ?? (await nameBox.inputValue());
    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();
    await expect(this.row(saved)).toHaveCount(1);
    return { name: saved, value };
  }

  async activate(name: string): Promise<void> {
    await this.menuItem(name, 'Activate');
    await expect(await this.statusCell(name)).toHaveText(/^Active/);
  }

  async deactivate(name: string): Promise<void> {
    await this.menuItem(name, 'Deactivate');
    await this.confirm('Deactivate');
    // An active credential past its expiry reads Expired once it is deactivated, the others Disabled.
    await expect(await this.statusCell(name)).toHaveText(/^(Disabled|Expired)/);
  }

  /**
   * Deletes the credential (Delete in its row's menu, confirmed). The portal deletes only a disabled
   * credential, so an active one is deactivated first, as a person would have to.
   */
  async remove(name: string): Promise<void> {
    await this.open();
    const row = this.row(name);
    await expect(row, `no credential named "${name}" is listed`).toHaveCount(1);
    await row.getByRole('button', { name: /^Actions for / }).click();
    const menu = this.page.getByRole('menu');
    await expect(menu.getByRole('menuitem').first()).toBeVisible();
    if ((await menu.getByRole('menuitem', { name: 'Delete', exact: true }).count()) === 0) {
      await menu.getByRole('menuitem', { name: 'Deactivate', exact: true }).click();
      await this.confirm('Deactivate');
      await expect(await this.statusCell(name)).toHaveText(/^(Disabled|Expired)/);
      // The open menu follows the refreshed row: Delete appears once the page knows it is disabled.
      await row.getByRole('button', { name: /^Actions for / }).click();
    }
    await menu.getByRole('menuitem', { name: 'Delete', exact: true }).click();
    await this.confirm('Delete');
    await expect(row).toHaveCount(0);
  }

  /**
   * Presses the confirmation's button until the dialog closes. A click that lands while the row menu that
   * opened the dialog is still closing can be taken by the menu and do nothing (the dialog stays, no request
   * is sent); a person clicks again, and so does this. While the portal works the button is disabled, and no
   * second click is made; an error the dialog shows ends the wait with that error.
   */
  private async confirm(button: 'Deactivate' | 'Delete'): Promise<void> {
    const confirm = this.page.getByRole('alertdialog');
    const press = confirm.getByRole('button', { name: button, exact: true });
    await expect(async () => {
      if (await confirm.isVisible()) {
        const shown = confirm.getByRole('alert');
        if (await shown.count()) throw new Error(`The portal answered: ${await shown.first().textContent()}`);
        if (await press.isEnabled()) await press.click({ timeout: 2_000 });
      }
      await expect(confirm).toBeHidden({ timeout: 3_000 });
    }).toPass({ timeout: 20_000 });
  }

  /**
   * Sets the credential to expire `days` days from now by the page's clock (which the kit keeps on the
   * tenant's clock), or never with `null`. 30, 90 and 365 are the dialog's own choices and mean exactly that
   * many days; any other number picks the date that many days ahead, and the credential then stops at the end
   * of that day in the browser's time zone.
   */
  async setExpiry(name: string, days: number | null): Promise<void> {
    if (days !== null && (!Number.isInteger(days) || days < 0)) {
      throw new RangeError(`setExpiry takes a whole number of days from today, or null for none; not ${days}.`);
    }
    await this.menuItem(name, 'Set expiry');
    const dialog = this.page.getByRole('dialog', { name: 'Set expiry' });
    if (days === null) {
      await dialog.getByRole('radio', { name: 'No expiry' }).check();
    } else if (DAY_CHOICES.has(days)) {
      await dialog.getByRole('radio', { name: `In ${days} days` }).check();
    } else {
      await dialog.getByRole('radio', { name: 'On a date' }).check();
      const date = await this.page.evaluate(
        (ahead) => new Date(Date.now() + ahead * 86_400_000).toLocaleDateString('en-CA'),
        days,
      );
      await dialog.getByLabel('Expiry date').fill(date);
    }
    await dialog.getByRole('button', { name: 'Save expiry' }).click();
    await expect(dialog).toBeHidden();
  }

  /** The status the list shows for the credential, read from a freshly loaded Credentials page. */
  async status(name: string): Promise<CredentialStatus> {
    await this.page.goto(new URL('/credentials', this.portalUrl).href);
    const cell = await this.statusCell(name);
    await expect(cell).toHaveText(/^(Active|Disabled|Expired)/);
    return (await cell.textContent())!.trim().match(/^(Active|Disabled|Expired)/)![1] as CredentialStatus;
  }

  /**
   * The row's cell under the Status column header. Columns a narrow viewport hides are hidden from both the
   * header and the rows, so the header's position among the visible ones is the cell's.
   */
  private async statusCell(name: string): Promise<Locator> {
    const row = this.row(name);
    await expect(row, `no credential named "${name}" is listed`).toHaveCount(1);
    const table = this.page.getByRole('table').filter({ has: row });
    const headers = (await table.getByRole('columnheader').allTextContents()).map((text) => text.trim());
    const index = headers.indexOf('Status');
    if (index === -1) throw new Error(`The credentials list has no Status column (columns: ${headers.join(', ')}).`);
    return row.getByRole('cell').nth(index);
  }
}
