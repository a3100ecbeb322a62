-- indicators: economic indicator mentions with who said them; every filter optional.
-- grain: one row per mention (briefing_id, mention_no)
-- param city VARCHAR optional: only briefings about this city (天门 or 天门市); NULL = any
-- param metric VARCHAR optional: text contained in the metric as worded (增长); NULL = any
-- param status VARCHAR optional: achieved / target / forecast / plan; NULL = any
-- param period DATE optional: only mentions whose period contains this day (2024-01-01); NULL = any
SELECT b.session_no, b.city, i.briefing_id, i.mention_no, i.turn_no, s.name AS speaker, i.metric, i.subject,
       i.value_text, i.value, i.unit, i.qualifier, i.kind, i.comparison, i.period_start, i.period_end,
       i.status, i.parse_flag, i.sentence
FROM indicators i
JOIN briefings b USING (briefing_id)
LEFT JOIN speakers s USING (speaker_id)
WHERE ($city IS NULL OR b.city = trim($city) OR b.city || '市' = trim($city) OR b.city = trim($city) || '市')
  AND ($metric IS NULL OR contains(i.metric, $metric))
  AND ($status IS NULL OR i.status = $status)
  AND ($period IS NULL OR (i.period_start <= $period AND i.period_end >= $period))
ORDER BY i.briefing_id, i.mention_no;
