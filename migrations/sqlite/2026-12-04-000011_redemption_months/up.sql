-- The statistics' redemption figures per merchant and Asia/Shanghai month of purchase, kept by
-- the redemption and reversal transactions themselves (a reversal subtracts from the month of
-- the purchase it undoes), so a province-wide overview sums about 2,100 merchants x 24 months of
-- rows instead of scanning ten million redemptions. `persistence::rollup::recount` derives the
-- same figures from the ledger; a test holds the two equal.
CREATE TABLE redemption_months (
    merchant_id  TEXT NOT NULL REFERENCES merchants (id),
    month        TEXT NOT NULL,
    n            BIGINT NOT NULL,
    original_fen BIGINT NOT NULL,
    discount_fen BIGINT NOT NULL,
    PRIMARY KEY (merchant_id, month)
);
CREATE INDEX redemption_months_month ON redemption_months (month, merchant_id);

-- A database that already holds redemptions starts with their figures.
INSERT INTO redemption_months (merchant_id, month, n, original_fen, discount_fen)
SELECT r.merchant_id, SUBSTR(r.local_date, 1, 7), COUNT(*),
       CAST(SUM(r.original_fen) AS BIGINT), CAST(SUM(r.discount_fen) AS BIGINT)
FROM redemptions r
WHERE NOT EXISTS (SELECT 1 FROM redemption_reversals v WHERE v.redemption_id = r.id)
GROUP BY r.merchant_id, SUBSTR(r.local_date, 1, 7);
