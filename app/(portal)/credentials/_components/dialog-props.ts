import type { SecretRow } from '@/components/secrets/secret-row';

/** What the row menu gives each of its dialogs. */
export type SecretDialogProps = { secret: SecretRow; open: boolean; onOpenChange: (open: boolean) => void };
