import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new endpoint signing secret: `whsec_` and 24 random bytes in base64, as Standard Webhooks describes it. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/** What the page shows of a signing secret after it was shown once. */
export function signingSecretPreview(secret: string): string {
  return `whsec_…${secret.slice(-4)}`;
}

/**
 * The three Standard Webhooks v1 headers for one attempt. Every secret given signs (after a roll, the new
 * and the previous one for 24 hours): the signature header lists them space-separated, and a receiver
 * holding either verifies the message.
 */
export function signedHeaders(
  secrets: readonly string[],
  message: { id: string; timestamp: Date; body: string },
): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(message.id, message.timestamp, message.body));
  return {
    'webhook-id': message.id,
    'webhook-timestamp': String(Math.floor(message.timestamp.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
