-- Accounts, their roles, sessions with rotating refresh tokens, one-time codes, WeChat bindings
-- and the nonces of signed proxy requests.
CREATE TABLE accounts (
    id                    TEXT PRIMARY KEY,
    phone                 TEXT NOT NULL UNIQUE,
    password_hash         TEXT,
    display_name          TEXT NOT NULL,
    legal_name_enc        TEXT,
    id_number_enc         TEXT,
    id_number_index       TEXT UNIQUE,
    id_number_masked      TEXT,
    real_name_verified_at TIMESTAMP,
    labor_model_level     TEXT NOT NULL DEFAULT 'none',
    hardship              BOOLEAN NOT NULL DEFAULT FALSE,
    password_changed_at   TIMESTAMP NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL
);

CREATE TABLE account_roles (
    id          TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts (id),
    role        TEXT NOT NULL,
    org_id      TEXT,
    merchant_id TEXT,
    owner       BOOLEAN NOT NULL DEFAULT FALSE,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX account_roles_grant ON account_roles (account_id, role, COALESCE(org_id, ''), COALESCE(merchant_id, ''));

CREATE TABLE sessions (
    id             TEXT PRIMARY KEY,
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    client         TEXT NOT NULL,
    device         TEXT,
    ip             TEXT,
    created_at     TIMESTAMP NOT NULL,
    last_seen_at   TIMESTAMP NOT NULL,
    expires_at     TIMESTAMP NOT NULL,
    revoked_at     TIMESTAMP,
    revoked_reason TEXT
);
CREATE INDEX sessions_account ON sessions (account_id, created_at);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    spent_at   TIMESTAMP
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE otp_codes (
    id          TEXT PRIMARY KEY,
    phone       TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    consumed_at TIMESTAMP,
    ip          TEXT
);
CREATE INDEX otp_codes_phone ON otp_codes (phone, created_at);

CREATE TABLE wechat_bindings (
    app_id     TEXT NOT NULL,
    openid     TEXT NOT NULL,
    unionid    TEXT,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (app_id, openid)
);
CREATE INDEX wechat_bindings_account ON wechat_bindings (account_id);

CREATE TABLE client_nonces (
    client_id TEXT NOT NULL,
    nonce     TEXT NOT NULL,
    seen_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (client_id, nonce)
);
CREATE INDEX client_nonces_seen ON client_nonces (seen_at);
