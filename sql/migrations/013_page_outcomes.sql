-- Why a page failed, in one command (issue 24): every run writes one row per page it handled, so
-- `briefings runs RUN_ID` and `briefings runs --failed` read rows instead of `runs.summary->'pages'`.
-- A UI Retry runs again under the same run id: `runs.attempt` counts the attempts, and the row of
-- each earlier attempt is kept in `run_attempts` (issue 25, item 14) with its pages in `page_outcomes`.
CREATE TABLE page_outcomes (
    run_id          VARCHAR NOT NULL,
    attempt         INTEGER NOT NULL,   -- 1 for a run's first attempt, 2 after one Retry, ...
    url             VARCHAR NOT NULL,
    step            VARCHAR NOT NULL,   -- discover / fetch / parse / load: where the page ended
    status          VARCHAR NOT NULL,   -- loaded / unchanged / skipped / failed / blocked
    error_type      VARCHAR,            -- the error's class name (FetchError, ParseError, ...)
    message         VARCHAR,            -- the error's message
    briefing_id     VARCHAR,
    turns           INTEGER,
    mentions        INTEGER
);

ALTER TABLE runs ADD COLUMN attempt INTEGER DEFAULT 1;
UPDATE runs SET attempt = 1;

CREATE TABLE run_attempts (
    run_id          VARCHAR NOT NULL,
    attempt         INTEGER NOT NULL,
    flow            VARCHAR NOT NULL,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    status          VARCHAR,
    summary         JSON
);

-- the runs recorded before this migration: their pages, from the summary they kept
INSERT INTO page_outcomes
SELECT r.run_id, 1, p.url, coalesce(p.stage, 'unknown'), p.status, p.error_type, p.error, p.briefing_id,
       p.turns, p.mentions
FROM runs r,
     unnest(from_json(r.summary->'pages',
            '[{"url": "VARCHAR", "status": "VARCHAR", "stage": "VARCHAR", "briefing_id": "VARCHAR",
               "error_type": "VARCHAR", "error": "VARCHAR", "turns": "INTEGER", "mentions": "INTEGER"}]')) AS t(p)
WHERE r.summary IS NOT NULL AND json_type(r.summary->'pages') = 'ARRAY' AND p.url IS NOT NULL;
