-- CreateEnum
CREATE TYPE "CredentialKind" AS ENUM ('SECRET', 'PUBLIC_KEY', 'WORKLOAD');

-- AlterTable: secrets become the client's credentials of three kinds
ALTER TABLE "secrets" ADD COLUMN "kind" "CredentialKind" NOT NULL DEFAULT 'SECRET',
ADD COLUMN "scopes" TEXT[] NOT NULL DEFAULT ARRAY['sdk', 'api']::TEXT[],
ADD COLUMN "public_jwk" JSONB,
ADD COLUMN "jwks_url" TEXT,
ADD COLUMN "workload_issuer" TEXT,
ADD COLUMN "workload_audience" TEXT,
ADD COLUMN "workload_subject" TEXT;

-- Each kind carries exactly its own fields; scopes are a non-empty subset of the offered ones.
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_kind_fields" CHECK (
  CASE "kind"
    WHEN 'SECRET' THEN "public_jwk" IS NULL AND "jwks_url" IS NULL AND "workload_issuer" IS NULL
    WHEN 'PUBLIC_KEY' THEN ("public_jwk" IS NULL) <> ("jwks_url" IS NULL) AND "workload_issuer" IS NULL
    WHEN 'WORKLOAD' THEN "public_jwk" IS NULL AND "jwks_url" IS NULL AND "workload_issuer" IS NOT NULL
      AND "workload_audience" IS NOT NULL AND "workload_subject" IS NOT NULL
  END
);
ALTER TABLE "secrets" ADD CONSTRAINT "secrets_scopes_offered" CHECK (
  cardinality("scopes") > 0 AND "scopes" <@ ARRAY['sdk', 'api']::TEXT[]
);

-- CreateIndex
CREATE INDEX "secrets_workload_issuer_idx" ON "secrets"("workload_issuer");

-- CreateTable
CREATE TABLE "client_assertion_jtis" (
    "oauth_client_id" UUID NOT NULL,
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "client_assertion_jtis_pkey" PRIMARY KEY ("oauth_client_id","jti")
);

-- CreateIndex
CREATE INDEX "client_assertion_jtis_expires_at_idx" ON "client_assertion_jtis"("expires_at");

-- CreateTable
CREATE TABLE "revoked_access_tokens" (
    "jti" TEXT NOT NULL,
    "client_id" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "revoked_access_tokens_pkey" PRIMARY KEY ("jti")
);

-- CreateIndex
CREATE INDEX "revoked_access_tokens_expires_at_idx" ON "revoked_access_tokens"("expires_at");

-- The token endpoints' caches hold a credential's scopes, keys and workload fields too, and index public keys
-- and workloads by client: the payload is "<secret_hash>:<id>:<oauth_client_id>".
CREATE OR REPLACE FUNCTION "notify_secret_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('secret_changed', OLD.secret_hash || ':' || OLD.id || ':' || OLD.oauth_client_id);
  ELSIF TG_OP = 'INSERT'
     OR (NEW.status, NEW.secret_hash, NEW.oauth_client_id, NEW.expires_at, NEW.deactivate_at, NEW.allowed_cidrs,
         NEW.tokens_revoked_before, NEW.is_decoy, NEW.scopes, NEW.public_jwk, NEW.jwks_url, NEW.workload_issuer,
         NEW.workload_audience, NEW.workload_subject)
        IS DISTINCT FROM
        (OLD.status, OLD.secret_hash, OLD.oauth_client_id, OLD.expires_at, OLD.deactivate_at, OLD.allowed_cidrs,
         OLD.tokens_revoked_before, OLD.is_decoy, OLD.scopes, OLD.public_jwk, OLD.jwks_url, OLD.workload_issuer,
         OLD.workload_audience, OLD.workload_subject) THEN
    PERFORM pg_notify('secret_changed', NEW.secret_hash || ':' || NEW.id || ':' || NEW.oauth_client_id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A revoked access token is dropped by every instance: "revoked:<jti>" on the same channel.
CREATE FUNCTION "notify_token_revoked"() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('secret_changed', 'revoked:' || NEW.jti);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "revoked_access_tokens_notify"
AFTER INSERT ON "revoked_access_tokens"
FOR EACH ROW EXECUTE FUNCTION "notify_token_revoked"();
