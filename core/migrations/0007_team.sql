-- Team use. audit_log is append-only: the product inserts rows and never updates or deletes them; each row
-- carries the hash of the one before it, so a row changed or removed outside the product breaks the chain.
CREATE SEQUENCE audit_seq START 1;
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY DEFAULT nextval('audit_seq'),
    occurred_at TIMESTAMPTZ NOT NULL,
    actor VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    incident_id VARCHAR,
    detail VARCHAR NOT NULL DEFAULT '{}',
    prev_hash VARCHAR NOT NULL,
    hash VARCHAR NOT NULL
);
-- Local accounts (TRIBUNAL_AUTH=local): argon2 hashes only, never a password.
CREATE TABLE users (
    name VARCHAR PRIMARY KEY,
    role VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,
    disabled BOOLEAN NOT NULL DEFAULT FALSE,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    last_sign_in TIMESTAMPTZ
);
-- Signed-in sessions: the browser holds the token; expiry and revocation are decided here.
CREATE TABLE auth_sessions (
    token_hash VARCHAR PRIMARY KEY,
    user_name VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    revoked BOOLEAN NOT NULL DEFAULT FALSE
);
