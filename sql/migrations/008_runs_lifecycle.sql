-- 007: every run leaves a trace (issue 17). A run writes its `runs` row when it starts (status
-- `running`) and closes it (`succeeded`, `failed`, `cancelled`); pid, host and process_started tell
-- whether a `running` row's process is still alive (else it is shown, and on the next run recorded,
-- as `crashed`). Runs killed before this migration left dq_results whose run has no `runs` row: they
-- get one now, status `crashed`, started at their first check.
ALTER TABLE runs ADD COLUMN pid INTEGER;
ALTER TABLE runs ADD COLUMN host VARCHAR;
ALTER TABLE runs ADD COLUMN process_started VARCHAR;
INSERT INTO runs (run_id, flow, started_at, finished_at, status, summary)
SELECT run_id, 'unknown', min(checked_at), NULL, 'crashed', NULL
FROM dq_results
WHERE run_id NOT IN (SELECT run_id FROM runs)
GROUP BY run_id;
UPDATE runs SET status = 'succeeded' WHERE status = 'completed';
