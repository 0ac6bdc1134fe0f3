-- A month's settlement sums one merchant's redemptions by day; with the amounts in the ledger
-- index (SQLite has no INCLUDE: trailing columns) the sum reads the index alone. The history and
-- day lists keep using its leading columns.
DROP INDEX redemptions_merchant_day;
CREATE INDEX redemptions_merchant_day ON redemptions (merchant_id, local_date, id, original_fen, discount_fen, payable_fen);
