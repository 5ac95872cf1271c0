-- A person may belong to several organizations: at most one membership per (user, organization), where there
-- was one per user. The foreign keys, their cascades and the triggers that end a removed member's sessions stay.
DROP INDEX "memberships_user_id_key";
CREATE UNIQUE INDEX "memberships_user_id_organization_id_key" ON "memberships"("user_id", "organization_id");

-- The organization a session works in, chosen on the server (at sign-in, on accepting an invitation, by the
-- switcher) and matched against the user's memberships on every request. Null: none chosen (support staff),
-- or the organization was deleted; the session then works in the user's oldest membership.
ALTER TABLE "user_sessions" ADD COLUMN "organization_id" UUID;
ALTER TABLE "user_sessions" ADD CONSTRAINT "user_sessions_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "user_sessions_organization_id_idx" ON "user_sessions"("organization_id");

-- Sessions open during the deploy keep working in the one organization their user belonged to.
UPDATE "user_sessions" s SET "organization_id" = m."organization_id"
  FROM "memberships" m
 WHERE m."user_id" = s."user_id" AND s."ended_at" IS NULL;
