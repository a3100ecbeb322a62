-- 008: `fetches` keeps one row per HTTP response (issue 17): a request tried 4 times is 4 rows, the
-- first 3 with outcome `retried`, each with its try number in attempt_no (from 1). Rows written
-- before this migration were the last try of their request: their attempt_no is their attempts.
ALTER TABLE fetches ADD COLUMN attempt_no INTEGER;
UPDATE fetches SET attempt_no = attempts;
