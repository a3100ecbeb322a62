-- speaker_turns: everything one speaker said, across briefings.
-- grain: one row per turn (briefing_id, turn_no) whose speaker's name is $speaker
-- param speaker VARCHAR: the person's name (肖敏), or a journalist's label (湖北日报记者)
SELECT b.session_no, b.city, b.event_date, t.briefing_id, t.turn_no, t.role, t.label, t.text
FROM turns t
JOIN briefings b USING (briefing_id)
LEFT JOIN speakers s USING (speaker_id)
WHERE coalesce(s.name, t.speaker) = $speaker
ORDER BY b.event_date NULLS LAST, t.briefing_id, t.turn_no;
