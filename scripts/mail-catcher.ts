// The development mail catcher `npm start` runs beside the portal when SMTP_URL is unset: maildev (a
// devDependency, imported only then), on free loopback ports, keeping its mails under EMBEDDED_PG_DIR.
import { createServer } from 'node:net';
import path from 'node:path';

/** A port the system has free right now (taken and given back at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface MailCatcher {
  /** What SMTP_URL points the portal at. */
  smtpUrl: string;
  /** Where a person reads the mails (and `GET <webUrl>/email` lists them as JSON). */
  webUrl: string;
  stop(): Promise<void>;
}

export async function startMailCatcher({ directory }: { directory: string }): Promise<MailCatcher> {
  const [smtp, web] = [await freePort(), await freePort()];
  const { default: MailDev } = await import('maildev');
  const catcher = new MailDev({
    smtp,
    web,
    ip: '127.0.0.1',
    mailDirectory: path.resolve(directory),
    silent: true,
  });
  await catcher.listen();
  return {
    smtpUrl: `smtp://127.0.0.1:${smtp}`,
    webUrl: `http://127.0.0.1:${web}`,
    stop: () => new Promise((resolve) => catcher.close(() => resolve())),
  };
}
