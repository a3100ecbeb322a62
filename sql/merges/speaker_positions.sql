-- speaker_positions: every office ever seen for a speaker.
-- grain: one row per (speaker_id, organisation, title); key: (speaker_id, organisation, title).
-- depends: briefings, speakers
-- A position's first briefing is the earliest that gives it (as for speakers: event date, else
-- publish date, else list date, then briefing_id), whatever order pages were loaded in.
{% import 'merges/_macros.sql' as m with context %}
MERGE INTO speaker_positions AS t
USING (
    SELECT s.speaker_id, s.organisation, s.title,
           arg_min_null(s.first_briefing_id, s.first_key) AS first_briefing_id,
           min(s.first_key) AS first_key,
           any_value(cur.first_key) AS current_key
    FROM (SELECT s.*, {{ m.first_key('b') }} AS first_key
          FROM stg_speaker_positions AS s
          JOIN briefings AS b ON b.briefing_id = s.first_briefing_id
          SEMI JOIN load_batch AS l ON l.briefing_id = s.first_briefing_id) AS s
    LEFT JOIN (SELECT k.speaker_id, k.organisation, k.title, {{ m.first_key('b') }} AS first_key
               FROM speaker_positions AS k JOIN briefings AS b ON b.briefing_id = k.first_briefing_id) AS cur
        ON cur.speaker_id = s.speaker_id AND cur.organisation = s.organisation AND cur.title = s.title
    GROUP BY s.speaker_id, s.organisation, s.title
) AS s
ON t.speaker_id = s.speaker_id AND t.organisation = s.organisation AND t.title = s.title
WHEN MATCHED AND (s.current_key IS NULL OR s.first_key < s.current_key)
    THEN UPDATE SET first_briefing_id = s.first_briefing_id
WHEN NOT MATCHED THEN
    INSERT (speaker_id, organisation, title, first_briefing_id, loaded_at)
    VALUES (s.speaker_id, s.organisation, s.title, s.first_briefing_id, $now);
