-- Memberships and cards per org path and status ('member:active', 'card:lost', ...), kept by the
-- statements that insert them or change their status (persistence::counts), so the overview's
-- member and card figures for a province sum a few hundred rows instead of counting a million.
-- persistence::counts::recount derives the same from the tables; a test holds the two equal.
CREATE TABLE org_counts (
    org_path TEXT NOT NULL,
    kind     TEXT NOT NULL,
    n        BIGINT NOT NULL,
    PRIMARY KEY (org_path, kind)
);

-- A database that already holds memberships and cards starts with their counts.
INSERT INTO org_counts (org_path, kind, n)
SELECT org_path, 'member:' || status, COUNT(*) FROM memberships GROUP BY org_path, status
UNION ALL
SELECT org_path, 'card:' || status, COUNT(*) FROM cards GROUP BY org_path, status;
