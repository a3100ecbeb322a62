-- turns: one session's turns in page order, with speaker name and role.
-- grain: one row per turn (briefing_id, turn_no) of the briefings whose session_no = $session
-- param session INTEGER: session number of the series (第十二场 -> 12)
-- param city VARCHAR optional: only the briefing about this city; NULL = any
SELECT b.session_no, b.city, t.briefing_id, t.turn_no, coalesce(s.name, t.speaker) AS speaker, t.role,
       t.label, t.outlet, t.text
FROM turns t
JOIN briefings b USING (briefing_id)
LEFT JOIN speakers s USING (speaker_id)
WHERE b.session_no = $session
  AND ($city IS NULL OR b.city = trim($city) OR b.city || '市' = trim($city) OR b.city = trim($city) || '市')
ORDER BY t.briefing_id, t.turn_no;
