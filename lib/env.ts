import { z } from 'zod';
import { parseRetrySchedule } from '@/lib/events/delivery-schedule';

/**
 * Every environment variable the portal, the token endpoint and their scripts read, parsed with zod:
 * typed, defaulted and range-checked (docs/operations.md, "Environment variables", lists each). Nothing else reads `process.env`.
 *
 * Each variable is parsed when first read and again only when its raw value changes, so that `next build`
 * (no database, no secrets) imports modules freely, tests may set a variable before or between cases, and
 * scripts may set DATABASE_URL before opening the database. `checkEnv()` parses them all at once at
 * start-up and names every bad one. An empty value counts as unset.
 */

const count = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const port = (fallback: number) => count(1, 65_535, fallback);
const flag = z
  .enum(['0', '1'], 'Use 1 to turn it on, 0 (or nothing) to leave it off.')
  .default('0')
  .transform((value) => value === '1');
const httpUrl = z.url({ protocol: /^https?$/, error: 'Use an http(s) URL, e.g. https://portal.example.com.' });
const postgresUrl = z.string().regex(/^postgres(ql)?:\/\//, 'Use a postgresql:// URL.');
const key32 = z
  .string()
  .refine(
    (value) => /^[A-Za-z0-9_-]+$/.test(value) && Buffer.from(value, 'base64url').length === 32,
    'Use 32 bytes in base64url.',
  );

const schema = {
  PORT: port(3000),
  /** Worker processes of `npm start` (server/cluster.ts); unset: one per CPU, fewer on a host short of memory. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  /** How long a stopping instance keeps serving with /readyz at 503, for the balancer to notice. */
  SHUTDOWN_DRAIN_MS: count(0, 7_000, 3_000),
  NEXTAUTH_URL: httpUrl.optional(),
  PORTAL_URL: httpUrl.optional(),
  NEXTAUTH_SECRET: z.string().optional(),
  AUTH_BASE_URL: httpUrl.optional(),
  API_BASE_URL: httpUrl.optional(),

  DATABASE_URL: postgresUrl.optional(),
  MIGRATION_DATABASE_URL: postgresUrl.optional(),
  DB_POOL_SIZE: count(1, 200, 10),
  DB_CONNECT_TIMEOUT_MS: count(100, 60_000, 2_000),
  DB_STATEMENT_TIMEOUT_MS: count(100, 600_000, 3_000),
  EMBEDDED_PG_DIR: z.string().default('.data'),
  EMBEDDED_PG_PORT: port(54329),
  EMBEDDED_PG_VERBOSE: flag,
  DEMO_PASSWORD: z.string().min(1).max(256).optional(),

  TOKEN_KEY_ENCRYPTION_KEY: key32.optional(),
  TOKEN_FAILURES_PER_CLIENT: count(1, 1_000_000, 20),
  TOKEN_FAILURES_PER_ADDRESS: count(1, 1_000_000, 60),
  MAX_SECRETS_PER_CLIENT: count(1, 10_000, 5),
  USAGE_FLUSH_MS: count(100, 3_600_000, 10_000),
  LEAK_REPORTS_PER_ADDRESS: count(1, 1_000_000, 30),
  TRUST_PROXY: flag,
  /** Turns the platform API on; a short one would be guessable, so it stops the start rather than being ignored. */
  PLATFORM_API_TOKEN: z
    .string()
    .min(32, 'Use at least 32 characters, e.g. the output of `openssl rand -base64 32`; or leave it unset.')
    .optional(),
  SIGN_IN_ATTEMPTS_PER_SECOND: count(1, 1_000_000, 2),
  SIGN_IN_ATTEMPTS_BURST: count(0, 1_000_000, 10),
  TEST_CLOCK: flag,
  /** Lets JWKS and workload issuer URLs be http on loopback (a local test issuer); never in production. */
  OAUTH_ALLOW_LOOPBACK_HTTP: flag,
  /** Timeout of each fetch of a JWKS or discovery document. */
  OAUTH_FETCH_TIMEOUT_MS: count(100, 30_000, 3_000),
  /** Test runs only: the delays between a webhook's attempts instead of Svix's schedule, e.g. `1s,2s,3s`. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .refine((value) => {
      try {
        return parseRetrySchedule(value).length > 0;
      } catch {
        return false;
      }
    }, 'Use delays like 5s,5m,2h (ms, s, m or h), separated by commas.')
    .transform(parseRetrySchedule)
    .optional(),

  /** Where mail goes (smtp:// or smtps://, user and password in the URL); unset: `npm start` runs a mail catcher. */
  SMTP_URL: z
    .url({
      protocol: /^smtps?$/,
      error: 'Use an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com.',
    })
    .optional(),
  /** The sender of every mail: an address, optionally with a display name. */
  MAIL_FROM: z.string().min(3).max(320).default('Credentials Console <no-reply@localhost>'),

  // `npm run db:roles` only.
  DATABASE_ADMIN_URL: postgresUrl.optional(),
  DB_OWNER_PASSWORD: z.string().optional(),
  DB_APP_PASSWORD: z.string().optional(),
  DB_OWNER_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a lower-case PostgreSQL role name.')
    .optional(),
  DB_APP_ROLE: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'Use a lower-case PostgreSQL role name.')
    .optional(),
} satisfies Record<string, z.ZodType>;

export type EnvName = keyof typeof schema;

/** Every variable's name, e.g. for checking that docs/operations.md documents each. */
export const ENV_NAMES = Object.keys(schema) as EnvName[];
export type Env = { readonly [K in EnvName]: z.output<(typeof schema)[K]> };

/** Where raw values come from: `process.env`, or a map a caller builds for a child process or a test. */
export type RawEnv = Partial<Record<string, string | undefined>>;

export class EnvError extends Error {
  constructor(readonly problems: { name: string; message: string }[]) {
    // Only names and rules: a bad value may be a secret.
    super(`Invalid environment: ${problems.map(({ name, message }) => `${name}: ${message}`).join('; ')}`);
    this.name = 'EnvError';
  }
}

function parse(name: EnvName, raw: string | undefined): unknown {
  const parsed = schema[name].safeParse(raw);
  if (!parsed.success) throw new EnvError([{ name, message: parsed.error.issues[0]?.message ?? 'invalid' }]);
  return parsed.data;
}

/** Typed, lazily parsed view of `source`. */
export function envOf(source: RawEnv): Env {
  const cache = new Map<EnvName, { raw: string | undefined; value: unknown }>();
  const view = {};
  for (const name of ENV_NAMES) {
    Object.defineProperty(view, name, {
      enumerable: true,
      get() {
        const raw = source[name] || undefined;
        const hit = cache.get(name);
        if (hit && hit.raw === raw) return hit.value;
        const value = parse(name, raw);
        cache.set(name, { raw, value });
        return value;
      },
    });
  }
  return Object.freeze(view) as Env;
}

/** The process's environment. */
export const env: Env = envOf(process.env);

/** Parses every variable now; throws one error naming each bad variable. For the start of a server or script. */
export function checkEnv(source: RawEnv = process.env): Env {
  const problems: { name: string; message: string }[] = [];
  for (const name of ENV_NAMES) {
    try {
      parse(name, source[name] || undefined);
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      problems.push(...error.problems);
    }
  }
  if (problems.length > 0) throw new EnvError(problems);
  return envOf(source);
}

/**
 * What the server prints at start-up for each test setting that is on: each weakens a guard that
 * production relies on, so it must never be on there unnoticed.
 */
export function testSettingWarnings(values: Env = env): string[] {
  const warnings: string[] = [];
  if (values.TEST_CLOCK)
    warnings.push("⚠ TEST_CLOCK=1: POST /api/test-clock can move this server's clock. Never set it outside test runs.");
  if (values.OAUTH_ALLOW_LOOPBACK_HTTP)
    warnings.push(
      '⚠ OAUTH_ALLOW_LOOPBACK_HTTP=1: JWKS, workload issuer and single sign-on issuer URLs may be plain http, and fetched, on loopback. Never set it outside test runs.',
    );
  return warnings;
}

/** The portal's public address: PORTAL_URL, else NEXTAUTH_URL, else this machine on PORT. No trailing slash. */
export function portalUrl(values: Env = env): string {
  return (values.PORTAL_URL ?? values.NEXTAUTH_URL ?? `http://localhost:${values.PORT}`).replace(/\/+$/, '');
}
