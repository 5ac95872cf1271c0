import type { CredentialRow } from '@/components/credentials/credential-row';

/** What the row menu gives each of its dialogs. */
export type CredentialDialogProps = { secret: CredentialRow; open: boolean; onOpenChange: (open: boolean) => void };
