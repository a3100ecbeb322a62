-- speaker_positions: every office ever seen for a speaker.
-- grain: one row per (speaker_id, organisation, title); key: (speaker_id, organisation, title).
-- depends: speakers
-- Insert-only: a position already known keeps its first_briefing_id.
INSERT INTO speaker_positions (speaker_id, organisation, title, first_briefing_id, loaded_at)
SELECT s.speaker_id, s.organisation, s.title, arg_min_null(s.first_briefing_id, s.batch_pos), $now
FROM stg_speaker_positions AS s
SEMI JOIN load_batch AS b ON b.briefing_id = s.first_briefing_id
ANTI JOIN speaker_positions AS t
    ON t.speaker_id = s.speaker_id AND t.organisation = s.organisation AND t.title = s.title
GROUP BY s.speaker_id, s.organisation, s.title;
