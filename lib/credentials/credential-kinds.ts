import type { CredentialKind } from '@/lib/credentials/lifecycle';

/** How each kind of credential is named in words: labels, list headings, messages and the audit trail. */
export const KIND_WORDS: Record<CredentialKind, { label: string; one: string; many: string; defaultName: string }> = {
  SECRET: { label: 'Secret', one: 'secret', many: 'secrets', defaultName: 'Secret' },
  PUBLIC_KEY: { label: 'Public key', one: 'public key', many: 'public keys', defaultName: 'Public key' },
  WORKLOAD: { label: 'Trusted workload', one: 'trusted workload', many: 'trusted workloads', defaultName: 'Workload' },
};

export function isCredentialKind(value: unknown): value is CredentialKind {
  return typeof value === 'string' && value in KIND_WORDS;
}

/** "secret" in a message written for secrets becomes the kind's noun ("public key", "trusted workload"). */
export function forKind(message: string, kind: CredentialKind): string {
  if (kind === 'SECRET') return message;
  return message.replace(/\bsecret\b/g, KIND_WORDS[kind].one).replace(/\bSecret\b/g, KIND_WORDS[kind].label);
}

/** "Delete a public key you no longer use to add another.": what to do at the kind's limit. */
export function deleteToAddAnother(kind: CredentialKind): string {
  return `Delete a ${KIND_WORDS[kind].one} you no longer use to add another.`;
}

/** The line beside an Add button: "3 of 25 secrets", or at the limit why the button is disabled. */
export function allowanceText(kind: CredentialKind, count: number, max: number): string {
  const { many } = KIND_WORDS[kind];
  return count >= max
    ? `You have ${count} of ${max} ${many}, the most allowed. ${deleteToAddAnother(kind)}`
    : `${count} of ${max} ${many}`;
}
