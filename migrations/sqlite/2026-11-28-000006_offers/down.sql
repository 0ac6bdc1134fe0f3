DROP TABLE offer_usage;
DROP TABLE offers;
