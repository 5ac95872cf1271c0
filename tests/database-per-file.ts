import { createTestDatabase } from './helpers/database';

// Each test file gets its own migrated database, named in DATABASE_URL before the app's modules load.
process.env.DATABASE_URL = await createTestDatabase();
