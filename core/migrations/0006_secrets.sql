-- Secrets at rest: stored text holds placeholders like <EMAIL#1>. Per incident and kind, how many
-- occurrences were replaced and how many distinct values were numbered (new values continue after them).
CREATE TABLE redactions (
    incident_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    occurrences BIGINT NOT NULL DEFAULT 0,
    distinct_values BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (incident_id, kind)
);
-- Whether the user asked to keep the originals of an incident (TRIBUNAL_KEEP_SECRETS=1); only then
-- does secret_map hold them, to show the original next to a placeholder.
CREATE TABLE secret_policy (
    incident_id VARCHAR PRIMARY KEY,
    keep_map BOOLEAN NOT NULL
);
CREATE TABLE secret_map (
    incident_id VARCHAR NOT NULL,
    placeholder VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL,
    PRIMARY KEY (incident_id, placeholder)
);
