DROP TABLE org_counts;
