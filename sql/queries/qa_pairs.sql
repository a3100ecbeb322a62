-- qa_pairs: each journalist question with the answering official.
-- grain: one row per question (briefing_id, question_turn_no)
-- param session INTEGER optional: only this session; NULL = every session
SELECT b.session_no, b.city, q.briefing_id, q.question_turn_no, q.outlet, tq.text AS question,
       q.answer_turn_no, s.name AS answered_by, ta.text AS answer
FROM qa_pairs q
JOIN briefings b USING (briefing_id)
JOIN turns tq ON tq.briefing_id = q.briefing_id AND tq.turn_no = q.question_turn_no
JOIN turns ta ON ta.briefing_id = q.briefing_id AND ta.turn_no = q.answer_turn_no
LEFT JOIN speakers s ON s.speaker_id = q.answer_speaker_id
WHERE ($session IS NULL OR b.session_no = $session)
ORDER BY q.briefing_id, q.question_turn_no;
