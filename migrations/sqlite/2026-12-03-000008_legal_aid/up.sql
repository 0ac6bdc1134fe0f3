-- Legal aid: cases with their history, message threads (with officers' internal notes), read
-- markers for the applicant's unread badge, and evidence files (bytes on disk, encrypted; the
-- rows here hold what is needed to find, check and name them). Free text a person wrote
-- (employer, description, contact phone, reasons, notes, messages, file names) is stored
-- encrypted as *_enc, each ciphertext bound to its row and column.
CREATE TABLE legal_aid_cases (
    id                TEXT PRIMARY KEY,
    applicant_id      TEXT NOT NULL REFERENCES accounts (id),
    org_id            TEXT NOT NULL REFERENCES org_units (id),
    org_path          TEXT NOT NULL,
    category          TEXT NOT NULL,
    status            TEXT NOT NULL,
    employer_enc      TEXT NOT NULL,
    -- Keyed hash of the normalised employer name: the duplicate rule without decrypting.
    employer_index    TEXT NOT NULL,
    claim_amount_fen  BIGINT,
    description_enc   TEXT NOT NULL,
    contact_phone_enc TEXT NOT NULL,
    consent_version   TEXT NOT NULL,
    consented_at      TIMESTAMP NOT NULL,
    assignee_id       TEXT REFERENCES accounts (id),
    court_case_no_enc TEXT,
    recovered_fen     BIGINT,
    reason_enc        TEXT,
    attachment_count  INTEGER NOT NULL DEFAULT 0,
    submitted_at      TIMESTAMP NOT NULL,
    review_due_at     TIMESTAMP NOT NULL,
    decided_at        TIMESTAMP,
    finished_at       TIMESTAMP,
    updated_at        TIMESTAMP NOT NULL
);
-- One open request per applicant, employer and category, enforced by the database.
CREATE UNIQUE INDEX legal_aid_cases_one_open ON legal_aid_cases (applicant_id, category, employer_index)
    WHERE status IN ('submitted', 'accepted', 'assigned', 'mediation');
CREATE INDEX legal_aid_cases_scope ON legal_aid_cases (org_path, id);
CREATE INDEX legal_aid_cases_applicant ON legal_aid_cases (applicant_id, id);
CREATE INDEX legal_aid_cases_review_due ON legal_aid_cases (status, review_due_at);

CREATE TABLE legal_aid_events (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES legal_aid_cases (id),
    from_status TEXT,
    to_status   TEXT NOT NULL,
    actor_id    TEXT NOT NULL REFERENCES accounts (id),
    actor_role  TEXT NOT NULL,
    assignee_id TEXT,
    note_enc    TEXT,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX legal_aid_events_case ON legal_aid_events (case_id, id);

CREATE TABLE legal_aid_messages (
    id         TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES legal_aid_cases (id),
    author_id  TEXT NOT NULL REFERENCES accounts (id),
    internal   BOOLEAN NOT NULL DEFAULT FALSE,
    body_enc   TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX legal_aid_messages_case ON legal_aid_messages (case_id, internal, id);

-- The newest message a reader has seen in a case's thread.
CREATE TABLE legal_aid_reads (
    case_id    TEXT NOT NULL REFERENCES legal_aid_cases (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    last_read  TEXT NOT NULL,
    PRIMARY KEY (case_id, account_id)
);

CREATE TABLE legal_aid_attachments (
    id           TEXT PRIMARY KEY,
    case_id      TEXT NOT NULL REFERENCES legal_aid_cases (id),
    uploader_id  TEXT NOT NULL REFERENCES accounts (id),
    name_enc     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX legal_aid_attachments_case ON legal_aid_attachments (case_id, id);
