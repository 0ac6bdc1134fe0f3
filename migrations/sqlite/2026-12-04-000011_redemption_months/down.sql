DROP TABLE redemption_months;
