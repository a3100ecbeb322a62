-- 003: convenience views for readers over the current tables.

-- One row per turn, with the briefing's session and city and the speaker's name and kind.
CREATE VIEW turns_enriched AS
SELECT b.session_no, b.city, b.event_date, t.briefing_id, t.turn_no, t.role, t.label,
       coalesce(s.name, t.speaker) AS speaker_name, s.kind AS speaker_kind, t.outlet, t.text,
       t.span_start, t.span_end
FROM turns t
JOIN briefings b USING (briefing_id)
LEFT JOIN speakers s USING (speaker_id);

-- One row per indicator mention, with the briefing's session and city and who said it.
CREATE VIEW indicators_enriched AS
SELECT b.session_no, b.city, b.event_date, i.*, s.name AS speaker_name
FROM indicators i
JOIN briefings b USING (briefing_id)
LEFT JOIN speakers s USING (speaker_id);
