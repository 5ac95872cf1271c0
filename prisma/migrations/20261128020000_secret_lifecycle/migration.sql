-- AlterTable
ALTER TABLE "secrets" ADD COLUMN "name" TEXT,
ADD COLUMN "last_used_address" TEXT,
ADD COLUMN "last_used_user_agent" TEXT,
ADD COLUMN "expires_at" TIMESTAMPTZ(3),
ADD COLUMN "deactivate_at" TIMESTAMPTZ(3),
ADD COLUMN "replaced_by_id" UUID,
ADD COLUMN "allowed_cidrs" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
ADD COLUMN "tokens_revoked_before" TIMESTAMPTZ(3);

-- Name existing secrets "Secret 1", "Secret 2", … per client, in order of creation.
UPDATE "secrets" AS s SET "name" = 'Secret ' || n.rn
FROM (SELECT "id", row_number() OVER (PARTITION BY "oauth_client_id" ORDER BY "created_at", "id") AS rn FROM "secrets") AS n
WHERE s."id" = n."id";

ALTER TABLE "secrets" ALTER COLUMN "name" SET NOT NULL;

-- CreateTable
CREATE TABLE "secret_events" (
    "id" UUID NOT NULL,
    "secret_id" UUID NOT NULL,
    "actor_id" UUID,
    "actor_name" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "address" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "secret_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "secret_usage" (
    "secret_id" UUID NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "secret_usage_pkey" PRIMARY KEY ("secret_id","minute")
);

-- CreateTable
CREATE TABLE "secret_callers" (
    "secret_id" UUID NOT NULL,
    "address" TEXT NOT NULL,
    "user_agent" TEXT NOT NULL,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "secret_callers_pkey" PRIMARY KEY ("secret_id","address","user_agent")
);

-- CreateIndex
CREATE UNIQUE INDEX "secrets_replaced_by_id_key" ON "secrets"("replaced_by_id");

-- CreateIndex
CREATE INDEX "secrets_deactivate_at_idx" ON "secrets"("deactivate_at");

-- CreateIndex
CREATE UNIQUE INDEX "secrets_oauth_client_id_name_key" ON "secrets"("oauth_client_id", "name");

-- CreateIndex
CREATE INDEX "secret_events_secret_id_created_at_idx" ON "secret_events"("secret_id", "created_at");

-- AddForeignKey
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_replaced_by_id_fkey" FOREIGN KEY ("replaced_by_id") REFERENCES "secrets"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_events" ADD CONSTRAINT "secret_events_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_events" ADD CONSTRAINT "secret_events_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_usage" ADD CONSTRAINT "secret_usage_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "secret_callers" ADD CONSTRAINT "secret_callers_secret_id_fkey" FOREIGN KEY ("secret_id") REFERENCES "secrets"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The token endpoints' caches hold expiry, roll deadline, allowlist and revocation cut-off too;
-- the payload is "<secret_hash>:<id>" so that caches keyed by either can drop the entry.
CREATE OR REPLACE FUNCTION "notify_secret_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('secret_changed', OLD.secret_hash || ':' || OLD.id);
  ELSIF TG_OP = 'INSERT'
     OR (NEW.status, NEW.secret_hash, NEW.oauth_client_id, NEW.expires_at, NEW.deactivate_at, NEW.allowed_cidrs, NEW.tokens_revoked_before)
        IS DISTINCT FROM
        (OLD.status, OLD.secret_hash, OLD.oauth_client_id, OLD.expires_at, OLD.deactivate_at, OLD.allowed_cidrs, OLD.tokens_revoked_before) THEN
    PERFORM pg_notify('secret_changed', NEW.secret_hash || ':' || NEW.id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
