-- AlterTable
ALTER TABLE "secrets" ADD COLUMN "is_decoy" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "expiry_recorded_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN "is_tenant" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "secrets_expires_at_idx" ON "secrets"("expires_at");

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "actor_id" UUID,
    "actor_name" TEXT NOT NULL,
    "actor_role" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "secret_id" UUID,
    "secret_preview" TEXT,
    "reason" TEXT,
    "priority" TEXT NOT NULL DEFAULT 'normal',
    "details" JSONB NOT NULL DEFAULT '{}',
    "address" TEXT,
    "user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "token_instances" (
    "id" UUID NOT NULL,
    "heartbeat_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "token_instances_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "security_alerts" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "secret_id" UUID NOT NULL,
    "secret_preview" TEXT NOT NULL,
    "secret_name" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 1,
    "last_address" TEXT,
    "last_user_agent" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by_id" UUID,

    CONSTRAINT "security_alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_events_organization_id_created_at_id_idx" ON "audit_events"("organization_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_secret_id_created_at_idx" ON "audit_events"("organization_id", "secret_id", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_action_created_at_idx" ON "audit_events"("organization_id", "action", "created_at");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_actor_id_created_at_idx" ON "audit_events"("organization_id", "actor_id", "created_at");

-- CreateIndex
CREATE INDEX "security_alerts_organization_id_acknowledged_at_idx" ON "security_alerts"("organization_id", "acknowledged_at");

-- AddForeignKey
ALTER TABLE "security_alerts" ADD CONSTRAINT "security_alerts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The secrets' histories become the organization-wide audit trail.
INSERT INTO "audit_events" ("id", "organization_id", "actor_id", "actor_name", "actor_role", "action", "secret_id", "secret_preview",
                            "details", "address", "user_agent", "created_at")
SELECT e."id", c."organization_id", e."actor_id", e."actor_name",
       CASE WHEN e."actor_id" IS NULL THEN 'SYSTEM' ELSE coalesce(m."role"::text, 'ADMIN') END,
       e."action", e."secret_id", s."preview", e."details", e."address", e."user_agent", e."created_at"
FROM "secret_events" e
JOIN "secrets" s ON s."id" = e."secret_id"
JOIN "oauth_clients" c ON c."id" = s."oauth_client_id"
LEFT JOIN "memberships" m ON m."user_id" = e."actor_id";

-- DropTable
DROP TABLE "secret_events";

-- Append-only, for the application and for anyone with its credentials: no UPDATE, DELETE or TRUNCATE.
CREATE FUNCTION "audit_events_are_append_only"() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "audit_events_no_update_or_delete"
BEFORE UPDATE OR DELETE ON "audit_events"
FOR EACH ROW EXECUTE FUNCTION "audit_events_are_append_only"();

CREATE TRIGGER "audit_events_no_truncate"
BEFORE TRUNCATE ON "audit_events"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_are_append_only"();

-- The token endpoints' caches hold the decoy flag too.
CREATE OR REPLACE FUNCTION "notify_secret_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('secret_changed', OLD.secret_hash || ':' || OLD.id);
  ELSIF TG_OP = 'INSERT'
     OR (NEW.status, NEW.secret_hash, NEW.oauth_client_id, NEW.expires_at, NEW.deactivate_at, NEW.allowed_cidrs, NEW.tokens_revoked_before, NEW.is_decoy)
        IS DISTINCT FROM
        (OLD.status, OLD.secret_hash, OLD.oauth_client_id, OLD.expires_at, OLD.deactivate_at, OLD.allowed_cidrs, OLD.tokens_revoked_before, OLD.is_decoy) THEN
    PERFORM pg_notify('secret_changed', NEW.secret_hash || ':' || NEW.id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
