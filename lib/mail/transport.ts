import nodemailer, { type Transporter } from 'nodemailer';
import { env } from '@/lib/env';

/** What is sent: one mail to one address, and the event it tells about (a header, for whoever traces it). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  eventId: string;
}

/**
 * Timeouts short enough that a hung server fails the send well inside the email queue's 60 s lease, so the
 * job is retried by its schedule rather than found expired. A value in SMTP_URL's query wins.
 */
const TIMEOUTS = { connectionTimeout: '10000', greetingTimeout: '10000', socketTimeout: '30000' };

let current: { url: string; transport: Transporter } | null = null;

/** The one transport of the process, made from SMTP_URL when first needed; null when SMTP_URL is unset. */
export function mailTransport(): Transporter | null {
  const url = env.SMTP_URL;
  if (!url) return null;
  if (current?.url !== url) {
    const withTimeouts = new URL(url);
    for (const [name, value] of Object.entries(TIMEOUTS))
      if (!withTimeouts.searchParams.has(name)) withTimeouts.searchParams.set(name, value);
    current?.transport.close();
    current = { url, transport: nodemailer.createTransport(withTimeouts.toString()) };
  }
  return current.transport;
}

/** Sends one mail from MAIL_FROM; throws when the server refuses it or cannot be reached. */
export async function sendMail(mail: OutgoingMail): Promise<void> {
  const transport = mailTransport();
  if (!transport) throw new Error('SMTP_URL is not set: no mail can be sent.');
  await transport.sendMail({
    from: env.MAIL_FROM,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: { 'X-Event-Id': mail.eventId },
  });
}
