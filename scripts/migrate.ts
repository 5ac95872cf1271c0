// npm run db:migrate — applies pending migrations to DATABASE_URL or the embedded database.
import { runWithDatabase } from './database';

runWithDatabase(async (db) => {
  await db.stop();
  process.exit(0);
});
