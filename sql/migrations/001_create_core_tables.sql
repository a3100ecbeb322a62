-- 001: core tables of the warehouse (mart, page history, raw index, run log).
-- No primary keys on mart tables: natural keys are enforced by the loader (anti-join upsert)
-- and verified by warehouse/checks.py, so a bad page is loaded and reported, not silently dropped.
-- Times (*_at) are UTC, TIMESTAMP without zone.

-- Current version of every briefing: one row per page URL.
CREATE TABLE briefings (
    briefing_id     VARCHAR NOT NULL,   -- briefings.ids.briefing_id_for(url)
    url             VARCHAR NOT NULL,   -- natural key
    series          VARCHAR,
    session_no      INTEGER,
    city            VARCHAR,
    event_date      DATE,
    publish_date    DATE,
    list_date       DATE,
    title           VARCHAR NOT NULL,
    summary         VARCHAR,
    content_source  VARCHAR,
    template        VARCHAR,
    transcript      VARCHAR NOT NULL,   -- the stored text every span indexes (code points)
    content_sha256  VARCHAR NOT NULL,   -- hex SHA-256 of the page body (the watermark)
    parser_version  VARCHAR NOT NULL,
    version_no      INTEGER NOT NULL,   -- 1 + number of earlier content versions
    guest_count     INTEGER NOT NULL,
    turn_count      INTEGER NOT NULL,
    run_id          VARCHAR,
    loaded_at       TIMESTAMP NOT NULL
);

-- Page history: one row per content version of a briefing; valid_to NULL = current.
CREATE TABLE briefing_versions (
    briefing_id     VARCHAR NOT NULL,
    version_no      INTEGER NOT NULL,
    url             VARCHAR NOT NULL,
    content_sha256  VARCHAR NOT NULL,
    parser_version  VARCHAR NOT NULL,
    valid_from      TIMESTAMP NOT NULL,
    valid_to        TIMESTAMP,
    run_id          VARCHAR
);

-- One row per person or journalist label seen; positions live in speaker_positions.
CREATE TABLE speakers (
    speaker_id      VARCHAR NOT NULL,
    name            VARCHAR NOT NULL,   -- person's name; the label (湖北日报记者) for journalists
    kind            VARCHAR NOT NULL,   -- person / journalist
    gender          VARCHAR,            -- female / male from 女士 / 先生, where ever given
    outlet          VARCHAR,            -- journalists only
    first_briefing_id VARCHAR,
    loaded_at       TIMESTAMP NOT NULL
);

-- Every office ever seen for a speaker (issue 3): one row per (speaker_id, organisation, title).
CREATE TABLE speaker_positions (
    speaker_id      VARCHAR NOT NULL,
    organisation    VARCHAR NOT NULL,
    title           VARCHAR NOT NULL,
    first_briefing_id VARCHAR,
    loaded_at       TIMESTAMP NOT NULL
);

-- The 嘉宾 line: one row per (briefing_id, guest_no).
CREATE TABLE guests (
    briefing_id     VARCHAR NOT NULL,
    guest_no        INTEGER NOT NULL,   -- 1-based position in the 嘉宾 line
    name            VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,   -- as written
    speaker_id      VARCHAR,
    gender          VARCHAR,
    loaded_at       TIMESTAMP NOT NULL
);

-- One row per (briefing_id, turn_no).
CREATE TABLE turns (
    briefing_id     VARCHAR NOT NULL,
    turn_no         INTEGER NOT NULL,   -- 1-based, page order
    speaker_id      VARCHAR,
    speaker         VARCHAR,            -- name (host, guests) or label (journalists)
    label           VARCHAR NOT NULL,   -- as written, without colon
    role            VARCHAR NOT NULL,   -- host / guest / journalist
    outlet          VARCHAR,
    text            VARCHAR NOT NULL,
    span_start      INTEGER NOT NULL,   -- [span_start, span_end) code points of briefings.transcript
    span_end        INTEGER NOT NULL,
    parser_version  VARCHAR NOT NULL,
    loaded_at       TIMESTAMP NOT NULL
);

-- Who spoke in a briefing: one row per (briefing_id, speaker_id).
CREATE TABLE appearances (
    briefing_id     VARCHAR NOT NULL,
    speaker_id      VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,
    label           VARCHAR NOT NULL,   -- label of the first turn, as written
    first_turn_no   INTEGER NOT NULL,
    turn_count      INTEGER NOT NULL,
    loaded_at       TIMESTAMP NOT NULL
);

-- One row per (briefing_id, question_turn_no).
CREATE TABLE qa_pairs (
    briefing_id       VARCHAR NOT NULL,
    question_turn_no  INTEGER NOT NULL,
    answer_turn_no    INTEGER NOT NULL,
    outlet            VARCHAR,
    answer_speaker_id VARCHAR,
    loaded_at         TIMESTAMP NOT NULL
);

-- History: every version's rows (the current version included), keyed by version_no.
CREATE TABLE briefings_history AS SELECT * FROM briefings WITH NO DATA;
ALTER TABLE briefings_history DROP COLUMN loaded_at;
CREATE TABLE turns_history AS SELECT 0::INTEGER AS version_no, * EXCLUDE (loaded_at) FROM turns WITH NO DATA;
CREATE TABLE guests_history AS SELECT 0::INTEGER AS version_no, * EXCLUDE (loaded_at) FROM guests WITH NO DATA;
CREATE TABLE appearances_history AS SELECT 0::INTEGER AS version_no, * EXCLUDE (loaded_at) FROM appearances WITH NO DATA;
CREATE TABLE qa_pairs_history AS SELECT 0::INTEGER AS version_no, * EXCLUDE (loaded_at) FROM qa_pairs WITH NO DATA;

-- Raw layer index: one row per HTTP exchange (body in the archive, by sha256).
CREATE TABLE fetches (
    fetch_id        VARCHAR NOT NULL,
    run_id          VARCHAR,
    url             VARCHAR NOT NULL,
    final_url       VARCHAR,
    status          INTEGER,
    fetched_at      TIMESTAMP NOT NULL,
    sha256          VARCHAR,
    encoding        VARCHAR,
    outcome         VARCHAR NOT NULL,   -- ok / not_modified / blocked / failed
    error           VARCHAR,
    error_type      VARCHAR,
    etag            VARCHAR,
    last_modified   VARCHAR,
    body_bytes      BIGINT,
    attempts        INTEGER,
    headers         JSON
);

CREATE TABLE runs (
    run_id          VARCHAR NOT NULL,
    flow            VARCHAR NOT NULL,
    started_at      TIMESTAMP,
    finished_at     TIMESTAMP,
    status          VARCHAR,
    summary         JSON
);

CREATE TABLE dq_results (
    run_id          VARCHAR NOT NULL,
    check_name      VARCHAR NOT NULL,
    severity        VARCHAR NOT NULL,   -- error / warn
    status          VARCHAR NOT NULL,   -- pass / fail
    details         VARCHAR,
    checked_at      TIMESTAMP NOT NULL
);
