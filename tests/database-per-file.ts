import { randomBytes } from 'node:crypto';
import { createTestDatabase } from './helpers/database';

// Each test file gets its own migrated database, named in DATABASE_URL before the app's modules load.
process.env.DATABASE_URL = await createTestDatabase();
process.env.TOKEN_KEY_ENCRYPTION_KEY ??= randomBytes(32).toString('base64url');
process.env.NEXTAUTH_SECRET ??= randomBytes(32).toString('base64url');
// Tests sign in faster than a person; the per-instance admission has its own test.
process.env.SIGN_IN_ATTEMPTS_PER_SECOND ??= '1000';
process.env.AUTH_BASE_URL ??= 'http://auth.test';
process.env.API_BASE_URL ??= 'http://api.test/api/v1';
// Most tests create many secrets on one client; the limit has its own tests, which set it back.
process.env.MAX_SECRETS_PER_CLIENT ??= '1000';
