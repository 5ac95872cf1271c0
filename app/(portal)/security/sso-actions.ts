'use server';

import { z } from 'zod';
import { run, type ActionResult } from '@/lib/actions/run';
import { checkRemoteUrl } from '@/lib/credentials/remote-url';
import { removeSsoSettings, saveSsoSettings, type SsoSettingsView } from '@/lib/data/sso';
import { issuerProblem } from '@/lib/auth/sso';
import { env } from '@/lib/env';
import { parseDomains } from '@/lib/sso/rules';

/**
 * The organization's single sign-on, changed by its admins on the Security page. Both are sensitive (they
 * decide how every member signs in): a recent confirmation of identity first. The data layer checks that the
 * actor is an admin of the organization, under its lock, and writes the audit row.
 */

const REVALIDATE = { path: '/security' } as const;

const schema = z
  .object({
    issuer: z.string().max(500),
    clientId: z.string().max(255),
    clientSecret: z.string().max(2000),
    domains: z.string().max(2000),
    createAccounts: z.boolean(),
    requireSso: z.boolean(),
    breakGlassUserId: z.union([z.uuid(), z.literal('')]),
    idpSatisfiesTwoFactor: z.boolean(),
  })
  .strict();

/** What a person typed, checked before "Confirm it's you" is asked: each message goes beside its field. */
const fields = z.object({
  issuer: z
    .string()
    .trim()
    .superRefine((text, context) => {
      const checked = checkRemoteUrl(text, {
        allowLoopbackHttp: env.OAUTH_ALLOW_LOOPBACK_HTTP,
        example: 'https://login.example.com',
      });
      if (!checked.ok) context.addIssue({ code: 'custom', message: checked.message });
    }),
  clientId: z.string().trim().min(1, 'Enter the client ID the identity provider gave you.'),
  clientSecret: z.string().trim(),
  domains: z.string().superRefine((text, context) => {
    const parsed = parseDomains(text);
    if (!parsed.ok) context.addIssue({ code: 'custom', message: parsed.message });
  }),
});

/** Saved, with `warning` when the identity provider's discovery document cannot be used as entered. */
export async function saveSsoSettingsAction(
  input: unknown,
): Promise<ActionResult<{ settings: SsoSettingsView; warning: string | null }>> {
  return run(input, { schema, fields, sensitive: true, revalidate: REVALIDATE }, async ({ actor, data, context }) => {
    const domains = parseDomains(data.domains);
    if (!domains.ok) return { ok: false, code: 'invalid_input', message: domains.message, field: 'domains' };
    const saved = await saveSsoSettings({
      actor,
      input: {
        issuer: data.issuer,
        clientId: data.clientId,
        clientSecret: data.clientSecret,
        domains: domains.domains,
        createAccounts: data.createAccounts,
        requireSso: data.requireSso,
        breakGlassUserId: data.breakGlassUserId || null,
        idpSatisfiesTwoFactor: data.idpSatisfiesTwoFactor,
      },
      context,
    });
    if (!saved.ok) return saved;
    return { ok: true, settings: saved.settings, warning: await issuerProblem(saved.settings) };
  });
}

export async function removeSsoSettingsAction(): Promise<ActionResult> {
  return run(undefined, { schema: z.undefined(), sensitive: true, revalidate: REVALIDATE }, ({ actor, context }) =>
    removeSsoSettings({ actor, context }),
  );
}
