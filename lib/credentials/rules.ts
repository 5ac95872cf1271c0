import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { env } from '@/lib/env';
import { CREDENTIAL_SCOPES } from '@/lib/credentials/scopes';

/** Most secrets a client may hold, deleted ones not counted. */
export function maxSecretsPerClient(): number {
  return env.MAX_SECRETS_PER_CLIENT;
}

/** Lifetime of the access tokens a secret obtains; the usage summary counts the tokens still alive. */
export const ACCESS_TOKEN_TTL_SECONDS = 1800;

export { CREDENTIAL_SCOPES, SCOPE_DESCRIPTIONS, type CredentialScope } from '@/lib/credentials/scopes';

export const credentialScopesSchema = z
  .array(z.enum(CREDENTIAL_SCOPES))
  .min(1, 'Choose at least one scope.')
  .transform((scopes) => CREDENTIAL_SCOPES.filter((scope) => scopes.includes(scope)));

export const EXPIRY_WARNING_DAYS = 14;
export const ROLL_GRACE_SECONDS = [0, 3600, 86_400, 604_800] as const;
export const MAX_ALLOWED_RANGES = 20;

export const credentialNameSchema = z
  .string()
  .transform((name) => name.normalize('NFC').trim())
  .pipe(
    z
      .string()
      .min(1, 'Enter a name.')
      .max(64, 'Use at most 64 characters.')
      // Control characters would render invisibly or break exports.
      // Control and invisible format characters would render invisibly, or make two names look alike.
      .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), 'Remove control or invisible characters from the name.'),
  );

/** Parses one CIDR range (or a bare address) and returns its canonical text, or null. */
export function normalizeCidr(input: string): string | null {
  const text = input.trim();
  try {
    if (text.includes('/')) {
      const [address, prefix] = ipaddr.parseCIDR(text);
      // Canonical network address: 10.1.2.3/8 becomes 10.0.0.0/8.
      const network =
        address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
      return `${network.toString()}/${prefix}`;
    }
    const address = ipaddr.parse(text);
    return `${address.toString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    return null;
  }
}

/** Whether a source address lies in one of the ranges; an empty list allows every address. */
export function addressAllowed(address: string, ranges: readonly string[]): boolean {
  if (ranges.length === 0) return true;
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // IPv4-mapped IPv6 (::ffff:10.0.0.1), as Node reports IPv4 peers on dual-stack sockets, becomes IPv4.
    parsed = ipaddr.process(address);
  } catch {
    return false;
  }
  return ranges.some((range) => {
    try {
      const [network, prefix] = ipaddr.parseCIDR(range);
      return network.kind() === parsed.kind() && parsed.match(network, prefix);
    } catch {
      return false;
    }
  });
}

/** The status a person sees: an active or disabled secret past its expiry shows as Expired. */
export function displayStatus(status: 'ACTIVE' | 'DISABLED', expiresAt: Date | null, now = Date.now()) {
  return expiresAt && expiresAt.getTime() <= now ? 'EXPIRED' : status;
}
