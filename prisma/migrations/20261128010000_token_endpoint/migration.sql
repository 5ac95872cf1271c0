-- AlterTable
ALTER TABLE "secrets" ADD COLUMN "last_used_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "signing_keys" (
    "id" UUID NOT NULL,
    "kid" TEXT NOT NULL,
    "algorithm" TEXT NOT NULL,
    "public_jwk" JSONB NOT NULL,
    "private_key_enc" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "retired_at" TIMESTAMPTZ(3),

    CONSTRAINT "signing_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_limits" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMPTZ(3),

    CONSTRAINT "rate_limits_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "signing_keys_kid_key" ON "signing_keys"("kid");

-- Every instance caches verified secrets; this tells them all, on commit, which secret changed.
-- (Not expressible in schema.prisma; kept in this migration.)
CREATE FUNCTION "notify_secret_changed"() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('secret_changed', OLD.secret_hash);
  ELSIF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status OR NEW.secret_hash IS DISTINCT FROM OLD.secret_hash
     OR NEW.oauth_client_id IS DISTINCT FROM OLD.oauth_client_id THEN
    PERFORM pg_notify('secret_changed', NEW.secret_hash);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER "secrets_notify_changed"
AFTER INSERT OR UPDATE OR DELETE ON "secrets"
FOR EACH ROW EXECUTE FUNCTION "notify_secret_changed"();
