import { isoDuration, type Duration } from './duration.js';

/** What POST /api/platform/tenants answers (the fields the kit uses). */
export interface CreatedTenant {
  organizationId: string;
  name: string;
  clientId: string;
  admin: { email: string; password: string; totp?: { secret: string } };
  /** null when the server made no clock; absent on a server that predates test clocks. */
  testClock?: { now: string } | null;
  deleteAt?: string;
}

/** An answer of the platform API that was not the expected one, with what the server said. */
export class PlatformApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`${what}: ${status} ${body.slice(0, 500)}`);
    this.name = 'PlatformApiError';
  }
}

/** The portal's platform API (Bearer token), as far as a suite needs it: tenants and their clocks. */
export class PlatformApi {
  constructor(
    private readonly portalUrl: string,
    private readonly token: string,
  ) {}

  private async call<T>(method: string, path: string, what: string, body?: unknown): Promise<T> {
    const response = await fetch(new URL(path, this.portalUrl), {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      const hint =
        response.status === 404 && path === '/api/platform/tenants'
          ? ' (is PLATFORM_API_TOKEN set on the server?)'
          : response.status === 401
            ? ' (the platform token is not the server’s PLATFORM_API_TOKEN)'
            : '';
      throw new PlatformApiError(response.status, text, `${what} failed${hint}`);
    }
    return JSON.parse(text) as T;
  }

  createTenant(input: { name: string; ttlMinutes: number; testClock: boolean }): Promise<CreatedTenant> {
    return this.call<CreatedTenant>('POST', '/api/platform/tenants', 'Creating a tenant', { ...input, totp: true });
  }

  /**
   * Deletes the tenant, trying again twice when the server fails (a 5xx: the deletion is one transaction,
   * which PostgreSQL may end as a deadlock while the tenant's last events are being delivered).
   */
  async deleteTenant(organizationId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.call('DELETE', `/api/platform/tenants/${organizationId}`, 'Deleting the tenant');
        return;
      } catch (error) {
        const serverFailed = error instanceof PlatformApiError && error.status >= 500;
        if (!serverFailed || attempt === 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  }

  async clockNow(organizationId: string): Promise<Date> {
    const { now } = await this.call<{ now: string }>(
      'GET',
      `/api/platform/tenants/${organizationId}/clock`,
      'Reading the tenant’s clock',
    );
    return new Date(now);
  }

  /** Answers once every server instance has the new time and the events due in between are queued. */
  async advanceClock(organizationId: string, by: Duration): Promise<Date> {
    const { now } = await this.call<{ now: string }>(
      'POST',
      `/api/platform/tenants/${organizationId}/clock`,
      'Moving the tenant’s clock',
      { advanceBy: isoDuration(by) },
    );
    return new Date(now);
  }
}
