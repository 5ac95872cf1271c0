-- The request log: why each request to the OAuth endpoints was answered as it was (lib/request-log/reasons.ts),
-- written in batches by the endpoints' instances (lib/oauth/request-log.ts) and kept 30 days.

-- Requests kept in detail, by their Request-Id: at most 100 refusals per client and minute per instance, and a
-- success at most once per credential, address and minute. Only requests whose client is an organization's.
CREATE TABLE "request_log" (
    "id" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "credential_id" UUID,
    "endpoint" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "reason" TEXT,
    "status" INTEGER NOT NULL,
    -- scope_not_allowed: the scopes asked for that the credential does not allow.
    "scopes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "address" TEXT NOT NULL,
    "user_agent" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "request_log_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "request_log_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
    CONSTRAINT "request_log_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "secrets"("id") ON DELETE CASCADE,
    CONSTRAINT "request_log_outcome_check" CHECK ("outcome" IN ('success', 'refused') AND ("reason" IS NULL) = ("outcome" = 'success'))
);
CREATE INDEX "request_log_organization_id_at_idx" ON "request_log"("organization_id", "at" DESC);
CREATE INDEX "request_log_credential_id_at_idx" ON "request_log"("credential_id", "at" DESC);
CREATE INDEX "request_log_at_idx" ON "request_log"("at");

-- Every request of an organization's client, counted per minute: per credential (null: the client only) and
-- reason (null: a success). Whatever the rate, one row per credential, reason and minute.
CREATE TABLE "request_counts" (
    "id" BIGSERIAL NOT NULL,
    "organization_id" UUID NOT NULL,
    "credential_id" UUID,
    "reason" TEXT,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    CONSTRAINT "request_counts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "request_counts_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "organizations"("id") ON DELETE CASCADE,
    CONSTRAINT "request_counts_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "secrets"("id") ON DELETE CASCADE
);
CREATE UNIQUE INDEX "request_counts_organization_id_credential_id_reason_minute_key"
    ON "request_counts"("organization_id", "credential_id", "reason", "minute") NULLS NOT DISTINCT;
CREATE INDEX "request_counts_minute_idx" ON "request_counts"("minute");

-- Requests for a Client ID no organization has: counted per source address and minute, nothing else kept.
CREATE TABLE "unknown_client_requests" (
    "address" TEXT NOT NULL,
    "minute" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    CONSTRAINT "unknown_client_requests_pkey" PRIMARY KEY ("address", "minute")
);
CREATE INDEX "unknown_client_requests_minute_idx" ON "unknown_client_requests"("minute");
