import { DetailList } from '@/components/ui/detail-list';
import type { SsoSettingsView } from '@/lib/data/sso';

const yesNo = (value: boolean) => (value ? 'Yes' : 'No');

/**
 * An organization's single sign-on in words, for those who may read but not change it: its viewers on the
 * Security page and support staff on the organization's page. The client secret is only ever "Set".
 */
export function SsoSummary({ settings }: { settings: SsoSettingsView }) {
  if (!settings.configured)
    return <p className="px-4 py-4 text-sm text-slate-600 sm:px-6">Not set up: members sign in with their password.</p>;
  const breakGlass = settings.admins.find((admin) => admin.userId === settings.breakGlassUserId);
  return (
    <DetailList
      items={[
        ['Issuer URL', settings.issuer],
        ['Client ID', settings.clientId],
        ['Client secret', 'Set'],
        ['Email domains', settings.domains.join(', ')],
        ['Creates accounts (as Viewers)', yesNo(settings.createAccounts)],
        ['Counts as the second factor', yesNo(settings.idpSatisfiesTwoFactor)],
        ['Required', yesNo(settings.requireSso)],
        ['Break-glass admin', breakGlass ? breakGlass.name : 'None'],
      ]}
    />
  );
}
