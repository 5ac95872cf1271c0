import { isoDuration, type Duration } from './duration.js';

/** What POST /api/platform/tenants answers (the fields the kit uses). */
export interface CreatedTenant {
  organizationId: string;
  name: string;
  clientId: string;
  admin: {
    email: string;
    password: string;
    totp?: { secret: string };
    /** The admin's session cookie, when asked for with `session` (absent on a server that predates it). */
    session?: { cookie: IssuedCookie };
  };
  /** null when the server made no clock; absent on a server that predates test clocks. */
  testClock?: { now: string } | null;
  deleteAt?: string;
}

/** A session cookie as the portal issues it. */
export interface IssuedCookie {
  name: string;
  value: string;
  path: string;
  httpOnly: boolean;
  secure: boolean;
  sameSite: 'Lax' | 'Strict' | 'None';
  expires: number;
}

/** An answer of the platform API that was not the expected one, with what the server said. */
export class PlatformApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
    /** The answer's Retry-After in seconds, when it had one. */
    readonly retryAfterSeconds: number | null = null,
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
      const retryAfter = Number(response.headers.get('retry-after') ?? Number.NaN);
      throw new PlatformApiError(
        response.status,
        text,
        `${what} failed${hint}`,
        Number.isFinite(retryAfter) ? retryAfter : null,
      );
    }
    return JSON.parse(text) as T;
  }

  /**
   * Calls `attempt` again, up to three times in all, while it fails in a way worth waiting out: `retryable`
   * says which. The wait grows (0.5 s, 1 s) or follows the answer's Retry-After, at most 5 s.
   */
  private async withRetries<T>(attempt: () => Promise<T>, retryable: (error: PlatformApiError) => boolean) {
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof PlatformApiError) || !retryable(error) || tries === 3) throw error;
        const wait = error.retryAfterSeconds === null ? 500 * tries : Math.min(error.retryAfterSeconds * 1000, 5000);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  /**
   * Makes a tenant with its admin signed in (the session comes back with it), trying again while the portal
   * answers 503 (its database briefly out of reach: nothing was made; should one have been after all, its time
   * to live deletes it).
   */
  createTenant(input: { name: string; ttlMinutes: number; testClock: boolean }): Promise<CreatedTenant> {
    return this.withRetries(
      () =>
        this.call<CreatedTenant>('POST', '/api/platform/tenants', 'Creating a tenant', {
          ...input,
          totp: true,
          session: true,
        }),
      (error) => error.status === 503,
    );
  }

  /**
   * Deletes the tenant, trying again when the server fails (a 5xx, such as a 503 while its database is briefly
   * out of reach: the deletion is one transaction, so a failed one deleted nothing).
   */
  async deleteTenant(organizationId: string): Promise<void> {
    await this.withRetries(
      () => this.call('DELETE', `/api/platform/tenants/${organizationId}`, 'Deleting the tenant'),
      (error) => error.status >= 500,
    );
  }

  async clockNow(organizationId: string): Promise<Date> {
    const { now } = await this.withRetries(
      () =>
        this.call<{ now: string }>(
          'GET',
          `/api/platform/tenants/${organizationId}/clock`,
          'Reading the tenant’s clock',
        ),
      (error) => error.status === 503,
    );
    return new Date(now);
  }

  /**
   * Answers once every server instance has the new time and the events due in between are queued. Not tried
   * again on a failure: a move that did happen would then happen twice.
   */
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
