-- Membership applications and their history, active memberships, benefit cards with per-city
-- serial counters, and the spent counter codes that make each code single-use on every replica.
CREATE TABLE membership_applications (
    id         TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    org_id     TEXT NOT NULL REFERENCES org_units (id),
    org_path   TEXT NOT NULL,
    employer   TEXT NOT NULL,
    status     TEXT NOT NULL,
    reason     TEXT,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    decided_by TEXT
);
-- One open application per member, enforced by the database.
CREATE UNIQUE INDEX membership_applications_one_open ON membership_applications (account_id) WHERE status = 'pending';
CREATE INDEX membership_applications_scope ON membership_applications (org_path, status, id);
CREATE INDEX membership_applications_account ON membership_applications (account_id, created_at);

CREATE TABLE membership_events (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id TEXT NOT NULL REFERENCES membership_applications (id),
    account_id     TEXT NOT NULL REFERENCES accounts (id),
    from_status    TEXT,
    to_status      TEXT NOT NULL,
    actor_id       TEXT,
    reason         TEXT,
    at             TIMESTAMP NOT NULL
);
CREATE INDEX membership_events_application ON membership_events (application_id, id);

CREATE TABLE memberships (
    account_id TEXT PRIMARY KEY REFERENCES accounts (id),
    org_id     TEXT NOT NULL REFERENCES org_units (id),
    org_path   TEXT NOT NULL,
    status     TEXT NOT NULL,
    since      TIMESTAMP NOT NULL
);
CREATE INDEX memberships_scope ON memberships (org_path);

-- Serial numbers are taken with one conditional UPDATE ... RETURNING per card: no two cards of a
-- city can get the same serial, on any backend, under any concurrency.
CREATE TABLE card_serials (
    city        INTEGER PRIMARY KEY,
    next_serial BIGINT NOT NULL
);
INSERT INTO card_serials (city, next_serial) VALUES (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (8, 1), (9, 1), (10, 1), (11, 1);

CREATE TABLE cards (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    card_no           TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL,
    secret_enc        TEXT NOT NULL,
    org_path          TEXT NOT NULL,
    issued_at         TIMESTAMP NOT NULL,
    status_changed_at TIMESTAMP NOT NULL
);
-- One card that is not cancelled per member.
CREATE UNIQUE INDEX cards_one_live ON cards (account_id) WHERE status <> 'cancelled';
CREATE INDEX cards_scope ON cards (org_path);

-- A counter code (card + time step) is spent by inserting it here; the primary key refuses a
-- second spend.
CREATE TABLE card_code_spends (
    card_id  TEXT NOT NULL REFERENCES cards (id),
    step     BIGINT NOT NULL,
    spent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (card_id, step)
);
