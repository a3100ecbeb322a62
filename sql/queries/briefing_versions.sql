-- briefing_versions: page history: every content version of the briefings, current one marked.
-- grain: one row per (briefing_id, version_no)
-- param session INTEGER optional: only this session; NULL = every session
SELECT h.session_no, h.city, v.briefing_id, v.version_no, v.content_sha256, v.parser_version, v.valid_from,
       v.valid_to, v.valid_to IS NULL AS is_current, h.turn_count, v.url
FROM briefing_versions v
JOIN briefings_history h ON h.briefing_id = v.briefing_id AND h.version_no = v.version_no
WHERE ($session IS NULL OR h.session_no = $session)
ORDER BY v.briefing_id, v.version_no;
