import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { ensureDatabaseExists, withDatabase } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';

/** A new database on the test server, migrated unless asked otherwise. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<string> {
  const serverUrl = inject('postgresServerUrl');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await ensureDatabaseExists(serverUrl, name);
  const url = withDatabase(serverUrl, name);
  if (options.migrated !== false) await migrate(url);
  return url;
}
