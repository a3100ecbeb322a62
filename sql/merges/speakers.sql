-- speakers: one row per person or journalist label ever seen.
-- grain: one row per speaker_id; key: speaker_id.
-- depends: briefings
-- A speaker's first briefing is the earliest one that names it (event date, else publish date, else
-- list date, then briefing_id), whatever order pages were loaded in: a backfill, a retried run or
-- two workers give the same row. A speaker new to the warehouse takes its name, kind and outlet
-- from that briefing; a known speaker moves its first_briefing_id to an earlier briefing when one
-- is loaded, and gains a gender it lacked (the one of the batch's earliest briefing that gives one).
{% import 'merges/_macros.sql' as m with context %}
MERGE INTO speakers AS t
USING (
    SELECT s.speaker_id,
           arg_min_null(s.name, s.first_key) AS name,
           arg_min_null(s.kind, s.first_key) AS kind,
           arg_min(s.gender, s.first_key) AS gender,          -- earliest non-NULL gender
           arg_min_null(s.outlet, s.first_key) AS outlet,
           arg_min_null(s.first_briefing_id, s.first_key) AS first_briefing_id,
           min(s.first_key) AS first_key,
           any_value(cur.first_key) AS current_key
    FROM (SELECT s.*, {{ m.first_key('b') }} AS first_key
          FROM stg_speakers AS s
          JOIN briefings AS b ON b.briefing_id = s.first_briefing_id
          SEMI JOIN load_batch AS l ON l.briefing_id = s.first_briefing_id) AS s
    LEFT JOIN (SELECT k.speaker_id, {{ m.first_key('b') }} AS first_key
               FROM speakers AS k JOIN briefings AS b ON b.briefing_id = k.first_briefing_id) AS cur
        ON cur.speaker_id = s.speaker_id
    GROUP BY s.speaker_id
) AS s
ON t.speaker_id = s.speaker_id
WHEN MATCHED AND ((t.gender IS NULL AND s.gender IS NOT NULL) OR s.current_key IS NULL OR s.first_key < s.current_key)
    THEN UPDATE SET
        gender = coalesce(t.gender, s.gender),
        first_briefing_id = CASE WHEN s.current_key IS NULL OR s.first_key < s.current_key
                                 THEN s.first_briefing_id ELSE t.first_briefing_id END
WHEN NOT MATCHED THEN
    INSERT (speaker_id, name, kind, gender, outlet, first_briefing_id, loaded_at)
    VALUES (s.speaker_id, s.name, s.kind, s.gender, s.outlet, s.first_briefing_id, $now);
