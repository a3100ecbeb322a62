-- appearances: who spoke at which briefing, in what role, labelled as written.
-- grain: one row per (briefing_id, speaker_id)
-- param session INTEGER optional: only this session; NULL = every session
-- param speaker VARCHAR optional: only this person's name (or journalist label); NULL = everyone
SELECT b.session_no, b.city, b.event_date, a.briefing_id, s.name AS speaker, s.kind, a.role, a.label,
       a.first_turn_no, a.turn_count
FROM appearances a
JOIN briefings b USING (briefing_id)
JOIN speakers s USING (speaker_id)
WHERE ($session IS NULL OR b.session_no = $session)
  AND ($speaker IS NULL OR s.name = $speaker)
ORDER BY a.briefing_id, a.first_turn_no;
