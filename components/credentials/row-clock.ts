import { credentialNow } from '@/lib/credentials/test-clock';

/**
 * The instant a row's menu and dialogs judge its credential at (in the browser): its tenant's test clock as
 * the page was drawn, or real time. Apart from credential-row.ts, whose rules module reads the environment.
 */
export function rowNow(row: { testClockAt: string | null }, realNow = Date.now()): number {
  return credentialNow(row.testClockAt === null ? null : Date.parse(row.testClockAt), realNow);
}
