-- Accounts for the admin pages: users with one role, their sessions and
-- personal API tokens, and the audit log. Secrets (session ids, tokens) are
-- kept only as SHA-256 hashes, so a copy of the database opens no session.

CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
	role          TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
	department    TEXT REFERENCES departments(code), -- NULL only for admins
	password_hash TEXT NOT NULL,                     -- PHC string, argon2id
	disabled      INTEGER NOT NULL DEFAULT 0,
	created       TEXT NOT NULL
);

CREATE TABLE sessions (
	id_hash   TEXT PRIMARY KEY, -- hex SHA-256 of the cookie's value
	user_id   INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created   TEXT NOT NULL,
	last_seen TEXT NOT NULL,
	address   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	hash       TEXT NOT NULL UNIQUE, -- hex SHA-256 of the token
	department TEXT,                 -- the scope: the user's department when made
	created    TEXT NOT NULL,
	last_used  TEXT,
	revoked    TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

-- The audit log is append-only: the application has no UPDATE or DELETE
-- for it, and these triggers refuse them from anything else that opens the
-- file through SQLite.
CREATE TABLE audit_log (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	actor   TEXT NOT NULL DEFAULT '', -- login of the user, '' when unknown
	address TEXT NOT NULL DEFAULT '', -- client address
	action  TEXT NOT NULL,
	target  TEXT NOT NULL DEFAULT '',
	detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_action ON audit_log(action, at);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
CREATE INDEX audit_log_address ON audit_log(address, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
