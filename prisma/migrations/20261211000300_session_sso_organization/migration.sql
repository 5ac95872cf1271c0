-- The organization whose identity provider signed this session in (single sign-on), or null for a password
-- sign-in. Where that organization lets its identity provider's sign-in stand for its two-factor rule, an admin
-- of it signed in that way is not sent to enroll a second factor first. No foreign key: a deleted organization
-- matches no membership, so the column then grants nothing.
ALTER TABLE "user_sessions" ADD COLUMN "sso_organization_id" UUID;
