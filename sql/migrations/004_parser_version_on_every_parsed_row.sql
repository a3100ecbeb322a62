-- 004: every parsed row carries the parser_version that made it (issue 5): guests, appearances and
-- qa_pairs (and their history twins) lacked it. Rows loaded before this migration keep NULL until
-- the next `briefings reparse`, which refills it.
ALTER TABLE guests ADD COLUMN parser_version VARCHAR;
ALTER TABLE appearances ADD COLUMN parser_version VARCHAR;
ALTER TABLE qa_pairs ADD COLUMN parser_version VARCHAR;
ALTER TABLE guests_history ADD COLUMN parser_version VARCHAR;
ALTER TABLE appearances_history ADD COLUMN parser_version VARCHAR;
ALTER TABLE qa_pairs_history ADD COLUMN parser_version VARCHAR;
