-- Single sign-on (OpenID Connect) per organization: the connection (client secret sealed), the email domains it
-- covers (a domain names one organization), and each trip to the identity provider (state single-use).

CREATE TABLE "sso_connections" (
    "organization_id" UUID NOT NULL,
    "issuer" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "client_secret_enc" TEXT NOT NULL,
    "create_accounts" BOOLEAN NOT NULL DEFAULT false,
    "require_sso" BOOLEAN NOT NULL DEFAULT false,
    "break_glass_user_id" UUID,
    "idp_satisfies_two_factor" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "sso_connections_pkey" PRIMARY KEY ("organization_id"),
    CONSTRAINT "sso_connections_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
    CONSTRAINT "sso_connections_break_glass_user_id_fkey" FOREIGN KEY ("break_glass_user_id") REFERENCES "users"("id") ON DELETE SET NULL
);

CREATE TABLE "sso_domains" (
    "domain" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    CONSTRAINT "sso_domains_pkey" PRIMARY KEY ("domain"),
    CONSTRAINT "sso_domains_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "sso_connections"("organization_id") ON DELETE CASCADE
);
CREATE INDEX "sso_domains_organization_id_idx" ON "sso_domains"("organization_id");

CREATE TABLE "sso_authorizations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "state_hash" CHAR(64) NOT NULL,
    "browser_hash" CHAR(64) NOT NULL,
    "organization_id" UUID NOT NULL,
    "nonce" TEXT NOT NULL,
    "code_verifier_enc" TEXT NOT NULL,
    "return_path" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "consumed_at" TIMESTAMPTZ(3),
    CONSTRAINT "sso_authorizations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sso_authorizations_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "sso_authorizations_state_hash_key" ON "sso_authorizations"("state_hash");
CREATE INDEX "sso_authorizations_expires_at_idx" ON "sso_authorizations"("expires_at");

-- How a sign-in's first step was passed (password or sso), for its audit row.
ALTER TABLE "auth_challenges" ADD COLUMN "method" TEXT NOT NULL DEFAULT 'password';
