-- Per-tenant test clocks and tenants that delete themselves (docs/testing.md "Test clocks").

-- A tenant's own "now" for everything time-based about its credentials (expiry, a roll's grace end, the
-- expiring and expired events): frozen where it was set, moved only forward by the platform API. NULL runs on
-- real time, as every customer organization always does.
ALTER TABLE "organizations" ADD COLUMN "test_clock_at" TIMESTAMPTZ(3);
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_test_clock_tenant_only"
    CHECK ("test_clock_at" IS NULL OR "is_tenant");

-- When a tenant is deleted by the leader's job (real time), so that a crashed suite leaves nothing behind.
ALTER TABLE "organizations" ADD COLUMN "delete_at" TIMESTAMPTZ(3);
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_delete_at_tenant_only"
    CHECK ("delete_at" IS NULL OR "is_tenant");
CREATE INDEX "organizations_delete_at_idx" ON "organizations"("delete_at") WHERE "delete_at" IS NOT NULL;
