-- The safety net of issue 22. A line or sentence of a transcript that opens like a speaker label
-- (a short head before a colon ending in a name, a title word or 记者) but that the parser did not
-- read as one: its words may belong to a speaker whose turn was merged into the one before. One row
-- per such head, keyed by (briefing_id, span_start); span_start/span_end are code points of
-- briefings.transcript (half open), text = the head as written. The data-quality check
-- `unread_labels` (warn) lists them. Briefings loaded before this migration have no rows until the
-- next `briefings reparse` (the parser version changes with it).
CREATE TABLE suspect_labels (
    briefing_id    VARCHAR NOT NULL,
    span_start     INTEGER NOT NULL,
    span_end       INTEGER NOT NULL,
    text           VARCHAR NOT NULL,
    parser_version VARCHAR,
    loaded_at      TIMESTAMP NOT NULL
);
