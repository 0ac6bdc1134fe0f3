-- Discounted purchases recorded at the counter, and the idempotency keys of the requests that
-- made them (scoped to the merchant, kept 24 h).
CREATE TABLE redemptions (
    id               TEXT PRIMARY KEY,
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    staff_account_id TEXT NOT NULL REFERENCES accounts (id),
    api_key_id       TEXT,
    card_id          TEXT NOT NULL REFERENCES cards (id),
    account_id       TEXT NOT NULL REFERENCES accounts (id),
    offer_id         TEXT NOT NULL REFERENCES offers (id),
    original_fen     BIGINT NOT NULL,
    discount_fen     BIGINT NOT NULL,
    payable_fen      BIGINT NOT NULL,
    code_step        BIGINT NOT NULL,
    period_key       TEXT,
    local_date       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX redemptions_merchant_day ON redemptions (merchant_id, local_date, id);
CREATE INDEX redemptions_account ON redemptions (account_id, id);

-- A reversal (冲正) is its own row; the redemption is never edited. The unique redemption_id
-- makes a second reversal impossible.
CREATE TABLE redemption_reversals (
    id               TEXT PRIMARY KEY,
    redemption_id    TEXT NOT NULL UNIQUE REFERENCES redemptions (id),
    merchant_id      TEXT NOT NULL REFERENCES merchants (id),
    staff_account_id TEXT NOT NULL REFERENCES accounts (id),
    original_fen     BIGINT NOT NULL,
    discount_fen     BIGINT NOT NULL,
    payable_fen      BIGINT NOT NULL,
    local_date       TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX redemption_reversals_merchant_day ON redemption_reversals (merchant_id, local_date);

CREATE TABLE idempotency_keys (
    merchant_id     TEXT NOT NULL,
    idem_key        TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    state           TEXT NOT NULL,
    response_status INTEGER,
    response_body   TEXT,
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (merchant_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
