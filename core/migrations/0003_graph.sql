-- Development and design state, and the incident graph.
-- Code: parses are cached per Git blob (content-addressed), resolved facts are stored per index
-- (repository root commit + indexed commit), and incidents point at the index they use.
CREATE TABLE code_indexes (
    index_id VARCHAR PRIMARY KEY,
    repo_key VARCHAR NOT NULL,          -- root commit of the repository: the same repo wherever it is cloned
    repo_path VARCHAR NOT NULL,
    commit_sha VARCHAR NOT NULL,
    files INTEGER NOT NULL,
    parsed INTEGER NOT NULL,            -- files parsed by this run; the rest were reused from code_blobs
    reused INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    classes INTEGER NOT NULL,
    methods INTEGER NOT NULL,
    seconds DOUBLE NOT NULL,
    base_index_id VARCHAR,              -- the previous index of the same repository
    changed_files INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE TABLE code_blobs (
    blob_sha VARCHAR PRIMARY KEY,
    language VARCHAR NOT NULL,
    encoding VARCHAR,
    errors INTEGER NOT NULL DEFAULT 0,
    status VARCHAR NOT NULL,            -- ok | partial (syntax errors) | binary | skipped
    message VARCHAR NOT NULL DEFAULT '',
    parsed JSON                         -- the parsed file (types, members, calls), NULL when not parsed
);
CREATE TABLE code_files (
    index_id VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    blob_sha VARCHAR NOT NULL,
    language VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    PRIMARY KEY (index_id, path)
);
-- One row per class/interface/enum/record (nested types are Outer.Inner).
CREATE TABLE code_symbols (
    index_id VARCHAR NOT NULL,
    fqn VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    package VARCHAR NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    role VARCHAR NOT NULL,              -- aggregate_root | entity | value_object | repository | domain_service | application_service | controller | other
    layer VARCHAR,
    bounded_context VARCHAR,
    aggregate VARCHAR,                  -- fqn of the aggregate root the class belongs to
    table_name VARCHAR,
    tables JSON,
    annotations JSON,
    doc VARCHAR NOT NULL DEFAULT '',
    PRIMARY KEY (index_id, fqn)
);
CREATE TABLE code_members (
    index_id VARCHAR NOT NULL,
    class_fqn VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,              -- method | constructor | field
    type VARCHAR NOT NULL,
    params JSON,
    annotations JSON,
    path VARCHAR NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL
);
CREATE TABLE code_endpoints (
    index_id VARCHAR NOT NULL,
    class_fqn VARCHAR NOT NULL,
    method VARCHAR NOT NULL,
    http_method VARCHAR NOT NULL,
    route VARCHAR NOT NULL,
    route_key VARCHAR NOT NULL,         -- route with variables as {} for matching OpenAPI paths
    path VARCHAR NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL
);
-- src uses/calls/extends/implements dst (both fqns in the index); members and line for calls.
CREATE TABLE code_refs (
    index_id VARCHAR NOT NULL,
    src VARCHAR NOT NULL,
    src_member VARCHAR,
    dst VARCHAR NOT NULL,
    dst_member VARCHAR,
    kind VARCHAR NOT NULL,
    line INTEGER
);
CREATE TABLE incident_code (
    incident_id VARCHAR PRIMARY KEY,    -- an incident id, or an index-only scope (IDX-…)
    index_id VARCHAR NOT NULL,
    repo_path VARCHAR NOT NULL,
    commit_sha VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
-- Design documents: Markdown domain models, OpenAPI, SQL DDL. `source` is e.g. design/domain-model.md.
CREATE TABLE design_docs (
    incident_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,              -- markdown | openapi | ddl
    language VARCHAR,
    title VARCHAR NOT NULL DEFAULT '',
    items INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (incident_id, source)
);
CREATE TABLE design_sections (
    incident_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    anchor VARCHAR NOT NULL,            -- cite as source#anchor (the heading text)
    heading VARCHAR NOT NULL,
    level INTEGER NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    text VARCHAR NOT NULL
);
-- bounded_context | aggregate | entity | value_object | invariant | rule | term
CREATE TABLE design_elements (
    incident_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    anchor VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    context VARCHAR,
    aggregate VARCHAR,
    text VARCHAR NOT NULL,
    attrs JSON
);
-- A symbol (class, Class.method, or table) that a design section names.
CREATE TABLE design_mentions (
    incident_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    anchor VARCHAR NOT NULL,
    symbol VARCHAR NOT NULL,
    text VARCHAR NOT NULL
);
CREATE TABLE api_operations (
    incident_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    op_key VARCHAR NOT NULL,            -- "POST /api/orders"
    http_method VARCHAR NOT NULL,
    route VARCHAR NOT NULL,
    route_key VARCHAR NOT NULL,
    operation_id VARCHAR,
    summary VARCHAR NOT NULL DEFAULT '',
    tags JSON,
    handler VARCHAR                     -- x-handler: com.acme.Foo#method, when the spec names it
);
CREATE TABLE ddl_tables (
    incident_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    columns JSON NOT NULL,              -- [{name, type, nullable, comment}]
    primary_key JSON,
    unique_keys JSON,
    foreign_keys JSON,                  -- [{columns, ref_table, ref_columns}]
    comment VARCHAR NOT NULL DEFAULT '',
    start_line INTEGER
);
-- The incident graph: nodes and edges from every state, built in one pass; traversals are recursive SQL.
CREATE TABLE graph_nodes (
    incident_id VARCHAR NOT NULL,
    node_id VARCHAR NOT NULL,           -- kind:key, e.g. class:com.acme.shop.inventory.application.InventoryService
    kind VARCHAR NOT NULL,
    label VARCHAR NOT NULL,
    props JSON,
    PRIMARY KEY (incident_id, node_id)
);
CREATE TABLE graph_edges (
    incident_id VARCHAR NOT NULL,
    src VARCHAR NOT NULL,
    dst VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    props JSON,
    PRIMARY KEY (incident_id, src, dst, kind)
);
CREATE INDEX graph_edges_src ON graph_edges (incident_id, src);
CREATE INDEX graph_edges_dst ON graph_edges (incident_id, dst);
