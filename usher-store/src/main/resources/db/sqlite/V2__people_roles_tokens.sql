-- People, their aliases and roles; credentials; admin actions.

ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN source TEXT NOT NULL DEFAULT 'auto';   -- local, ldap, auto
ALTER TABLE users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN password_hash TEXT;                    -- argon2id, local accounts only

-- Every spelling that means a person, normalized. A user's own name is one of its aliases, so
-- resolving a name is one lookup, and the primary key makes "one spelling, one person" a constraint.
CREATE TABLE user_aliases (
    alias_key  TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    alias      TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX user_aliases_by_user ON user_aliases (user_id);
INSERT INTO user_aliases (alias_key, user_id, alias, created_at) SELECT name_key, id, name, created_at FROM users;

CREATE TABLE roles (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL UNIQUE,
    built_in   TEXT,                     -- 'all-users', 'administrators' or NULL
    ldap_group TEXT,                     -- members also come from this directory group
    created_at BIGINT NOT NULL
);
INSERT INTO roles (name, name_key, built_in, created_at) VALUES ('All Users', 'all users', 'all-users', 0);
INSERT INTO roles (name, name_key, built_in, created_at) VALUES ('Administrators', 'administrators', 'administrators', 0);

CREATE TABLE role_members (
    role_id INTEGER NOT NULL REFERENCES roles (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    origin  TEXT NOT NULL,               -- 'manual' or 'ldap'
    PRIMARY KEY (role_id, user_id)
);
CREATE INDEX role_members_by_user ON role_members (user_id);

-- Bearer tokens: sign-in sessions and long-lived API tokens. Only the SHA-256 is stored.
CREATE TABLE auth_tokens (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    kind         TEXT NOT NULL,          -- 'session' or 'api'
    name         TEXT,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT
);
CREATE INDEX auth_tokens_by_user ON auth_tokens (user_id);

-- Admin actions and sign-in outcomes (the audit trail grows from here).
CREATE TABLE admin_events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      BIGINT NOT NULL,
    type    TEXT NOT NULL,
    actor   TEXT,
    source  TEXT,
    target  TEXT,
    detail  TEXT
);
CREATE INDEX admin_events_by_time ON admin_events (at);
