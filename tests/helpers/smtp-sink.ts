import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  from: string;
  subject: string;
  text: string;
  html: string;
  eventId: string | null;
}

/**
 * A real SMTP server in the test process: it keeps every mail it accepts, parsed, and can refuse the next
 * few with a temporary failure (451), as a busy mail server does. It listens on a free port unless told one
 * (the e2e server's SMTP_URL names a fixed port).
 */
export async function startSmtpSink({ port: listenPort = 0 }: { port?: number } = {}) {
  const received: ReceivedMail[] = [];
  let refuseNext = 0;
  let refused = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      if (refuseNext > 0) {
        refuseNext--;
        refused++;
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: 451 })));
        return;
      }
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          const address = (value: ParsedMail['to'] | ParsedMail['from']) =>
            (Array.isArray(value) ? value : value ? [value] : []).map((entry) => entry.text).join(', ');
          received.push({
            to: address(mail.to),
            from: address(mail.from),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            eventId: (mail.headers.get('x-event-id') as string | undefined) ?? null,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Answers the next `count` mails with 451. */
    refuse(count: number) {
      refuseNext = count;
    },
    refusedCount: () => refused,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until `check` passes (or throws its last failure after `timeoutMs`). */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
