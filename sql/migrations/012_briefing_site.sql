-- 010: which site profile read each briefing (issue 23): the name of a module of briefings/sites/
-- (`hubei`, `tianmen` …) or `generic`, the reader of pages no profile claims (see docs/sites.md).
-- Rows loaded before this migration keep NULL until `briefings reparse --full` parses their pages again
-- (the loader does not count a row without a site as current): a migration changes no loaded value.
ALTER TABLE briefings ADD COLUMN site VARCHAR;
ALTER TABLE briefings_history ADD COLUMN site VARCHAR;
