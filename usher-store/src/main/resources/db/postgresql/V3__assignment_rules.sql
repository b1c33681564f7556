-- PostgreSQL port of db/sqlite/V3__assignment_rules.sql, kept mechanical so the two stay easy to compare.
-- Dialect differences: none in this file (the statements are the same on both engines).

-- Assignment rules per pool, and what each seat is charged to.

CREATE TABLE pool_rules (
    product    TEXT NOT NULL,
    feature    TEXT NOT NULL,
    rules_json TEXT NOT NULL,     -- the rule set as the API shows it (targets by role or user name)
    version    INTEGER NOT NULL,  -- bumped on every save: the ETag that stops two admins overwriting each other
    PRIMARY KEY (product, feature)
);

-- 'shared' or 'reserve:<rule index>': a seat is charged once, whatever number of roles its holder is in.
ALTER TABLE seats ADD COLUMN charge TEXT NOT NULL DEFAULT 'shared';
