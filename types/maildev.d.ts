// maildev 2 ships no types: the part scripts/mail-catcher.ts uses.
declare module 'maildev' {
  interface MailDevOptions {
    smtp?: number;
    web?: number;
    ip?: string;
    mailDirectory?: string;
    silent?: boolean;
  }
  class MailDev {
    constructor(options: MailDevOptions);
    listen(): Promise<void>;
    close(callback?: () => void): void;
  }
  export default MailDev;
}
