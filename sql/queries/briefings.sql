-- briefings: the list of loaded briefings (current versions), newest event first.
-- grain: one row per briefing (briefing_id)
-- param city VARCHAR optional: only this city (天门 or 天门市); NULL = every city
SELECT b.briefing_id, b.session_no, b.city, b.event_date, b.publish_date, b.title, b.guest_count, b.turn_count,
       b.version_no, b.url
FROM briefings b
WHERE ($city IS NULL OR b.city = trim($city) OR b.city || '市' = trim($city) OR b.city = trim($city) || '市')
ORDER BY b.event_date DESC NULLS LAST, b.session_no DESC NULLS LAST, b.briefing_id;
