-- Partner merchants: applications, merchants (with indexed coordinates for "nearest first"),
-- and POS API keys. Staff are account_roles rows (role merchant_staff, merchant_id, owner).
CREATE TABLE merchant_applications (
    id            TEXT PRIMARY KEY,
    applicant_id  TEXT NOT NULL REFERENCES accounts (id),
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL,
    category      TEXT NOT NULL,
    division_code TEXT NOT NULL,
    org_path      TEXT NOT NULL,
    address       TEXT NOT NULL,
    lat           DOUBLE PRECISION NOT NULL,
    lng           DOUBLE PRECISION NOT NULL,
    contact_phone TEXT NOT NULL,
    status        TEXT NOT NULL,
    reason        TEXT,
    merchant_id   TEXT,
    created_at    TIMESTAMP NOT NULL,
    decided_at    TIMESTAMP,
    decided_by    TEXT
);
-- One open application per business.
CREATE UNIQUE INDEX merchant_applications_one_open ON merchant_applications (credit_code) WHERE status = 'pending';
CREATE INDEX merchant_applications_scope ON merchant_applications (org_path, status, id);

CREATE TABLE merchants (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    credit_code   TEXT NOT NULL UNIQUE,
    category      TEXT NOT NULL,
    division_code TEXT NOT NULL,
    city          INTEGER NOT NULL,
    org_path      TEXT NOT NULL,
    address       TEXT NOT NULL,
    lat           DOUBLE PRECISION NOT NULL,
    lng           DOUBLE PRECISION NOT NULL,
    contact_phone TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX merchants_geo ON merchants (lat, lng);
CREATE INDEX merchants_city_category ON merchants (city, category, id);
CREATE INDEX merchants_scope ON merchants (org_path);

CREATE TABLE merchant_api_keys (
    id          TEXT PRIMARY KEY,
    merchant_id TEXT NOT NULL REFERENCES merchants (id),
    key_hash    TEXT NOT NULL UNIQUE,
    label       TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES accounts (id),
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX merchant_api_keys_merchant ON merchant_api_keys (merchant_id);

-- A staff account belongs to one merchant.
CREATE UNIQUE INDEX account_roles_one_merchant ON account_roles (account_id) WHERE role = 'merchant_staff';
