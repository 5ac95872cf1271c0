import { randomBytes } from 'node:crypto';
import { createTestDatabases } from './helpers/database';

// Each test file gets its own migrated database, named in DATABASE_URL before the app's modules load. The app
// connects as the least-privileged application role, as in production; the owner's URL is there for the
// scripts that migrate (and for tests that need to be the owner).
const database = await createTestDatabases();
process.env.DATABASE_URL = database.appUrl;
process.env.MIGRATION_DATABASE_URL = database.ownerUrl;
process.env.TEST_SUPERUSER_DATABASE_URL = database.superuserUrl;
process.env.TOKEN_KEY_ENCRYPTION_KEY ??= randomBytes(32).toString('base64url');
process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString('base64url');
// Tests sign in faster than a person; the per-instance admission has its own test.
process.env.SIGN_IN_ATTEMPTS_PER_SECOND ??= '1000';
process.env.AUTH_BASE_URL ??= 'http://auth.test';
process.env.API_BASE_URL ??= 'http://api.test/api/v1';
// Most tests create many secrets on one client; the limit has its own tests, which set it back.
process.env.MAX_SECRETS_PER_CLIENT ??= '1000';
