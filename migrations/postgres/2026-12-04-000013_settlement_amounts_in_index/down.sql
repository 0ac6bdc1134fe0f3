DROP INDEX redemptions_merchant_day;
CREATE INDEX redemptions_merchant_day ON redemptions (merchant_id, local_date, id);
