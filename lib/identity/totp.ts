import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** RFC 6238 with the authenticator apps' defaults: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD_SECONDS = 30;
const ISSUER = 'Credentials console';

/** A new shared key, base32 (160 bits, RFC 4226's recommendation). */
export function newTotpSecret(): string {
  return generateSecret();
}

export function totpUri({ secret, account }: { secret: string; account: string }): string {
  return generateURI({ issuer: ISSUER, label: account, secret });
}

/** The otpauth URI as an SVG data URL, rendered on the server so the key never goes to a third party. */
export async function totpQrDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** "123 456" → "123456"; null for anything that is not six digits. */
export function normalizeTotpCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : null;
}

/**
 * The time step a code belongs to when it matches the current step or one either side (clock drift and
 * a code typed as it changes), else null. Refusing a step already used is the caller's job.
 */
export async function matchTotpStep({
  secret,
  code,
  at = new Date(),
}: {
  secret: string;
  code: string;
  at?: Date;
}): Promise<number | null> {
  const token = normalizeTotpCode(code);
  if (!token) return null;
  const result = await verify({
    secret,
    token,
    epoch: Math.floor(at.getTime() / 1000),
    epochTolerance: TOTP_PERIOD_SECONDS,
  }).catch(() => null);
  return result?.valid && 'timeStep' in result ? result.timeStep : null;
}
