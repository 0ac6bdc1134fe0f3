DROP TABLE idempotency_keys;
DROP TABLE redemption_reversals;
DROP TABLE redemptions;
