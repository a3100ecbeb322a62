-- speakers: one row per person or journalist label ever seen.
-- grain: one row per speaker_id; key: speaker_id.
-- depends:
-- A speaker new to the warehouse takes the values of the first briefing of the batch that names it
-- (batch order); a known speaker only gains a gender it lacked (the first one the batch gives).
MERGE INTO speakers AS t
USING (
    SELECT s.speaker_id,
           arg_min_null(s.name, s.batch_pos) AS name,
           arg_min_null(s.kind, s.batch_pos) AS kind,
           arg_min(s.gender, s.batch_pos) AS gender,          -- first non-NULL gender
           arg_min_null(s.outlet, s.batch_pos) AS outlet,
           arg_min_null(s.first_briefing_id, s.batch_pos) AS first_briefing_id
    FROM stg_speakers AS s
    SEMI JOIN load_batch AS b ON b.briefing_id = s.first_briefing_id
    GROUP BY s.speaker_id
) AS s
ON t.speaker_id = s.speaker_id
WHEN MATCHED AND t.gender IS NULL AND s.gender IS NOT NULL THEN UPDATE SET gender = s.gender
WHEN NOT MATCHED THEN
    INSERT (speaker_id, name, kind, gender, outlet, first_briefing_id, loaded_at)
    VALUES (s.speaker_id, s.name, s.kind, s.gender, s.outlet, s.first_briefing_id, $now);
