-- The background upkeep deletes rows past their time by range on these columns, oldest first;
-- without an index each batch would scan the whole table. (idempotency_keys.created_at and
-- client_nonces.seen_at are indexed already.)
CREATE INDEX otp_codes_expires ON otp_codes (expires_at);
CREATE INDEX refresh_tokens_expires ON refresh_tokens (expires_at);
CREATE INDEX sessions_expires ON sessions (expires_at);
