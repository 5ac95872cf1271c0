/**
 * What may happen to a secret, and why not: the one statement of the lifecycle's rules. The row menu shows
 * the actions `allowedActions()` returns; the data layer writes the same preconditions into the WHERE of the
 * conditional UPDATE that applies a change (lib/data/credential-change.ts) and, when that UPDATE matches nothing,
 * explains why with `refusal()`.
 */

export type CredentialStatus = 'ACTIVE' | 'DISABLED' | 'DELETED';

import { forKind } from '@/lib/credentials/credential-kinds';

/** A secret, a public key (private_key_jwt) or a trusted workload (token exchange). */
export type CredentialKind = 'SECRET' | 'PUBLIC_KEY' | 'WORKLOAD';

/** The parts of a secret its lifecycle depends on; dates may be Date objects or ISO strings. */
export interface LifecycleCredential {
  kind: CredentialKind;
  status: CredentialStatus;
  isDecoy: boolean;
  replacedById: string | null;
  expiresAt: Date | string | null;
  /** Only for the menu: revoking issued tokens is offered for a secret that has obtained some. */
  lastUsedAt?: Date | string | null;
}

/** A condition a change requires of the secret at the instant it is written (never DELETED, always). */
export type Precondition = 'active' | 'disabled' | 'notReplaced' | 'notDecoy' | 'notExpired' | 'sharedSecret';

export type CredentialAction =
  | 'rename'
  | 'setExpiry'
  | 'setAllowedAddresses'
  | 'setScopes'
  | 'activate'
  | 'deactivate'
  | 'roll'
  | 'makeDecoy'
  | 'revokeTokens'
  | 'delete';

/** Each action's preconditions, in the order in which their refusals are reported. */
const RULES: Record<CredentialAction, readonly (readonly [Precondition, string])[]> = {
  rename: [],
  setAllowedAddresses: [],
  setScopes: [],
  setExpiry: [['notExpired', 'This secret has already expired. Create a new secret instead.']],
  activate: [
    ['notDecoy', 'A decoy secret can never be activated.'],
    ['notReplaced', 'This secret was rolled and replaced; it cannot be activated again. Use its replacement.'],
    ['notExpired', 'This secret has expired and cannot be activated again. Create a new secret instead.'],
    ['disabled', 'This secret is already active.'],
  ],
  deactivate: [['active', 'This secret is already disabled.']],
  roll: [
    ['sharedSecret', 'Only a secret can be rolled. Add a new key or workload instead.'],
    ['active', 'Only an active secret can be rolled.'],
    ['notExpired', 'Only an active secret can be rolled.'],
    ['notReplaced', 'This secret has already been rolled.'],
  ],
  makeDecoy: [
    ['sharedSecret', 'Only a secret can become a decoy.'],
    ['notDecoy', 'This secret is already a decoy.'],
    ['disabled', 'Only a disabled secret can become a decoy. Deactivate it first.'],
  ],
  revokeTokens: [['disabled', 'Deactivate this secret to revoke the tokens it issued.']],
  delete: [['disabled', 'Deactivate this secret before deleting it.']],
};

/** The order of the row menu. */
export const CREDENTIAL_ACTIONS = Object.keys(RULES) as CredentialAction[];

export const CHANGED_MEANWHILE = 'This secret changed meanwhile. Reload the page.';

function toTime(value: Date | string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? Date.parse(value) : value.getTime();
}

export function isExpired(secret: Pick<LifecycleCredential, 'expiresAt'>, now: Date | number): boolean {
  const expires = toTime(secret.expiresAt);
  return expires !== null && expires <= (typeof now === 'number' ? now : now.getTime());
}

/** Whether one precondition holds for the secret at this instant. */
export function holds(condition: Precondition, secret: LifecycleCredential, now: Date | number): boolean {
  switch (condition) {
    case 'active':
      return secret.status === 'ACTIVE';
    case 'disabled':
      return secret.status === 'DISABLED';
    case 'notReplaced':
      return secret.replacedById === null;
    case 'notDecoy':
      return !secret.isDecoy;
    case 'notExpired':
      return !isExpired(secret, now);
    case 'sharedSecret':
      return secret.kind === 'SECRET';
  }
}

/** The preconditions the data layer writes into the conditional UPDATE for this action. */
export function preconditionsOf(action: CredentialAction): Precondition[] {
  return RULES[action].map(([condition]) => condition);
}

/**
 * Why the action cannot happen to the secret now, or null when it can, in the words of its kind ("This public
 * key is already active."). A deleted secret allows nothing.
 */
export function refusal(action: CredentialAction, secret: LifecycleCredential, now: Date | number): string | null {
  if (secret.status === 'DELETED')
    return forKind('This secret no longer exists. Reload the page to see the current list.', secret.kind);
  for (const [condition, message] of RULES[action])
    if (!holds(condition, secret, now)) return condition === 'sharedSecret' ? message : forKind(message, secret.kind);
  return null;
}

/** The actions the secret allows at this instant, in menu order. */
export function allowedActions(secret: LifecycleCredential, now: Date | number): Set<CredentialAction> {
  return new Set(
    CREDENTIAL_ACTIONS.filter(
      (action) => refusal(action, secret, now) === null && (action !== 'revokeTokens' || Boolean(secret.lastUsedAt)),
    ),
  );
}
