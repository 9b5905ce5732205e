-- The user's in-app rules per incident (package prefixes), like Sentry's: they decide before the repository does.
CREATE TABLE in_app_rules (
    incident_id VARCHAR PRIMARY KEY,
    include_prefixes JSON NOT NULL,
    exclude_prefixes JSON NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
