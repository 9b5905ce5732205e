-- Review and sign-off: one row per ruled debate once someone decided on it (no row = a draft). Rulings with risk
-- critical/high or a rollback recommendation need an approver; the decisions themselves go to audit_log as well.
CREATE TABLE reviews (
    debate_id VARCHAR PRIMARY KEY,
    incident_id VARCHAR NOT NULL,
    state VARCHAR NOT NULL,              -- draft | final | rejected | sent_back
    needs_approval BOOLEAN NOT NULL,
    decision VARCHAR,                    -- approve | reject | send_back | finalize
    decided_by VARCHAR,
    decided_role VARCHAR,
    decided_at TIMESTAMPTZ,
    text VARCHAR NOT NULL DEFAULT ''     -- the reason of a rejection, the note of a send-back
);
