-- Merchants' offers, and how much of each a member has used per limit period.
CREATE TABLE offers (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    title            TEXT NOT NULL,
    kind             TEXT NOT NULL,
    percent_off_bp   BIGINT,
    threshold_fen    BIGINT,
    off_fen          BIGINT,
    max_discount_fen BIGINT,
    per_member_limit INTEGER,
    limit_period     TEXT,
    total_quota      BIGINT,
    used_quota       BIGINT NOT NULL DEFAULT 0,
    audience         TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    ends_at          TIMESTAMP NOT NULL,
    status           TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX offers_merchant ON offers (merchant_id, status, ends_at);

-- Used by conditional UPDATE ... WHERE used < limit: a member's limit can never be exceeded.
CREATE TABLE offer_usage (
    offer_id   TEXT NOT NULL REFERENCES offers (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    period_key TEXT NOT NULL,
    used       INTEGER NOT NULL,
    PRIMARY KEY (offer_id, account_id, period_key)
);
