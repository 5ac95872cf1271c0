-- A single sign-on names the organization it signed the person in to: the session it becomes works there, also
-- for a person who belongs to several organizations. Null for a password sign-in (the session then works in the
-- person's oldest membership).
ALTER TABLE "auth_challenges" ADD COLUMN "organization_id" UUID;
ALTER TABLE "auth_challenges" ADD CONSTRAINT "auth_challenges_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
