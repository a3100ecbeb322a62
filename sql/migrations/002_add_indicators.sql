-- 002: economic indicator mentions (briefings.models.Mention), current and per version.
CREATE TABLE indicators (
    briefing_id     VARCHAR NOT NULL,
    turn_no         INTEGER NOT NULL,
    mention_no      INTEGER NOT NULL,   -- 1-based within the briefing, text order
    speaker_id      VARCHAR,
    sentence        VARCHAR,
    span_start      INTEGER NOT NULL,   -- [span_start, span_end) code points of briefings.transcript
    span_end        INTEGER NOT NULL,
    value_text      VARCHAR NOT NULL,   -- as written (50亿元)
    value           DECIMAL(38, 4),     -- exact, in base unit (yuan for CNY); NULL -> parse_flag
    unit            VARCHAR,            -- CNY / count / percent / percentage_point / rank / mu ...
    unit_text       VARCHAR,
    qualifier       VARCHAR,
    kind            VARCHAR,
    comparison      VARCHAR,
    rank_scope      VARCHAR,
    period_start    DATE,
    period_end      DATE,
    status          VARCHAR,
    subject         VARCHAR,
    metric          VARCHAR,
    value_m2        DECIMAL(38, 4),     -- areas in 亩, in square metres
    parse_flag      VARCHAR,
    parser_version  VARCHAR NOT NULL,
    loaded_at       TIMESTAMP NOT NULL
);

CREATE TABLE indicators_history AS SELECT 0::INTEGER AS version_no, * EXCLUDE (loaded_at) FROM indicators WITH NO DATA;
