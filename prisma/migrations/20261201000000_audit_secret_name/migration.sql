-- AlterTable: the credential's name when the event was written, so that the log still names it after a
-- rename or a deletion. Rows written before have none (the table is append-only); the log shows the
-- credential's current name for them.
ALTER TABLE "audit_events" ADD COLUMN "secret_name" TEXT;
