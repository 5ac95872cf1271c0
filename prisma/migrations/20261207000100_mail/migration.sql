-- Email: the browsers each user has signed in from, and the categories each admin does not want emailed.

-- A browser is known by a long-lived random cookie set at sign-in (portal.browser); only its SHA-256 is
-- kept, per user. A sign-in whose cookie is not among the user's rows is from a new browser: the user is
-- emailed (account.new_browser) unless they had no known browser at all (their first sign-in).
CREATE TABLE "known_browsers" (
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "known_browsers_pkey" PRIMARY KEY ("user_id", "token_hash"),
    CONSTRAINT "known_browsers_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE
);
CREATE INDEX "known_browsers_last_seen_at_idx" ON "known_browsers"("last_seen_at");

-- "Email me about …" on the Security page: the event types (credential events that need a person, and
-- webhook.endpoint_disabled) this admin switched off. Empty: all of them, the default.
ALTER TABLE "memberships" ADD COLUMN "email_opt_outs" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];
