-- Foundation schema: incidents and their assets, parsed runtime/dev facts, evidence, debates.
CREATE TABLE incidents (
    id VARCHAR PRIMARY KEY,
    title VARCHAR NOT NULL,
    severity VARCHAR NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    utc_offset_min INTEGER NOT NULL DEFAULT 0,
    service VARCHAR NOT NULL,
    description VARCHAR NOT NULL DEFAULT '',
    language VARCHAR NOT NULL DEFAULT 'en',
    repo VARCHAR,
    i18n JSON,
    status VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE assets (
    id VARCHAR PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    location VARCHAR,
    size_bytes BIGINT NOT NULL DEFAULT 0,
    items BIGINT NOT NULL DEFAULT 0,
    status VARCHAR NOT NULL,
    message VARCHAR NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE log_lines (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    line_no BIGINT NOT NULL,
    ts TIMESTAMPTZ,
    level VARCHAR,
    thread VARCHAR,
    trace_id VARCHAR,
    logger VARCHAR,
    message VARCHAR,
    template_id VARCHAR
);
CREATE TABLE log_templates (
    incident_id VARCHAR NOT NULL,
    asset_id VARCHAR NOT NULL,
    template_id VARCHAR NOT NULL,
    template VARCHAR NOT NULL,
    count BIGINT NOT NULL
);
CREATE TABLE exceptions (
    incident_id VARCHAR NOT NULL,
    id BIGINT NOT NULL,
    asset_id VARCHAR NOT NULL,
    line_no BIGINT NOT NULL,
    ts TIMESTAMPTZ,
    logger VARCHAR,
    exc_type VARCHAR NOT NULL,
    message VARCHAR NOT NULL,
    root_type VARCHAR NOT NULL,
    root_message VARCHAR NOT NULL,
    fingerprint VARCHAR NOT NULL,
    causes JSON,
    PRIMARY KEY (incident_id, id)
);
CREATE TABLE frames (
    incident_id VARCHAR NOT NULL,
    exception_id BIGINT NOT NULL,
    depth INTEGER NOT NULL,
    cause_index INTEGER NOT NULL,
    class_name VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    file VARCHAR,
    line INTEGER,
    in_app BOOLEAN NOT NULL
);
CREATE TABLE commits (
    incident_id VARCHAR NOT NULL,
    sha VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    email VARCHAR NOT NULL,
    authored_at TIMESTAMPTZ NOT NULL,
    message VARCHAR NOT NULL,
    files JSON,
    insertions INTEGER NOT NULL,
    deletions INTEGER NOT NULL,
    parents INTEGER NOT NULL,
    PRIMARY KEY (incident_id, sha)
);
CREATE TABLE blame (
    incident_id VARCHAR NOT NULL,
    file VARCHAR NOT NULL,
    line INTEGER NOT NULL,
    sha VARCHAR NOT NULL,
    author VARCHAR NOT NULL,
    authored_at TIMESTAMPTZ NOT NULL,
    content VARCHAR NOT NULL,
    PRIMARY KEY (incident_id, file, line)
);
CREATE TABLE ownership (
    incident_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    pattern VARCHAR NOT NULL,
    team VARCHAR NOT NULL,
    source VARCHAR NOT NULL
);
CREATE TABLE evidence (
    incident_id VARCHAR NOT NULL,
    id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    kind VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    ref JSON,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, id)
);
CREATE TABLE debates (
    id VARCHAR PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    brain VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    rounds INTEGER NOT NULL DEFAULT 0,
    consensus BOOLEAN NOT NULL DEFAULT FALSE,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    error VARCHAR
);
-- Every debate event except token deltas, in order; finished turns are events too.
CREATE TABLE events (
    debate_id VARCHAR NOT NULL,
    seq INTEGER NOT NULL,
    incident_id VARCHAR NOT NULL,
    type VARCHAR NOT NULL,
    payload JSON NOT NULL,
    emitted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (debate_id, seq)
);
CREATE TABLE judgments (
    debate_id VARCHAR PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    payload JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
-- The fused context the agents reason over, so a debate can resume in another process.
CREATE TABLE fusion (
    incident_id VARCHAR PRIMARY KEY,
    payload JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
