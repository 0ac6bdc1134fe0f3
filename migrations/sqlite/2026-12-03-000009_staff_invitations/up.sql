-- Staff invitations: an owner invites a phone number; the account of that number joins the staff
-- only by accepting. The number is personal data and the owner is only ever shown it masked, so
-- the whole number is not kept: phone_index is its keyed hash (blind index), which finds the
-- invitations of the signed-in account's own number, and phone_masked is what the owner sees.
CREATE TABLE staff_invitations (
    id           TEXT PRIMARY KEY,
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    phone_index  TEXT NOT NULL,
    phone_masked TEXT NOT NULL,
    status       TEXT NOT NULL,
    invited_by   TEXT NOT NULL REFERENCES accounts (id),
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP,
    decided_by   TEXT REFERENCES accounts (id)
);
-- One pending invitation per merchant and number: inviting again answers the same one.
CREATE UNIQUE INDEX staff_invitations_one_pending ON staff_invitations (merchant_id, phone_index) WHERE status = 'pending';
CREATE INDEX staff_invitations_invitee ON staff_invitations (phone_index, status, id);
CREATE INDEX staff_invitations_merchant ON staff_invitations (merchant_id, status, id);
