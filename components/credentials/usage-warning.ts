import { relativeText } from '@/components/local-time';
import type { UsageSummary } from '@/lib/data/credential-usage';

/** "This secret obtained 1,204 tokens in the last hour; the last one 12 seconds ago." */
export function usageWarning(usage: UsageSummary, now = Date.now()): string | null {
  if (usage.last24Hours === 0) return null;
  const count = usage.lastHour > 0 ? usage.lastHour : usage.last24Hours;
  const period = usage.lastHour > 0 ? 'in the last hour' : 'in the last 24 hours';
  const plural = count === 1 ? 'token' : 'tokens';
  const last = usage.lastUsedAt ? `; the last one ${relativeText(new Date(usage.lastUsedAt), now)}` : '';
  return `This secret obtained ${count.toLocaleString('en-US')} ${plural} ${period}${last}.`;
}
