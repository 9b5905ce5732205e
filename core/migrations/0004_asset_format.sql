-- The format an asset was parsed in (a log's layout, e.g. 'http-access'), so rules can pick
-- assets by what they hold: access-log lines count as HTTP outcomes, not application errors.
ALTER TABLE assets ADD COLUMN format VARCHAR;
