-- briefing_versions: page history, one row per content version of a briefing.
-- grain: one row per (briefing_id, version_no); key: (briefing_id, version_no); valid_to IS NULL = current.
-- depends:
-- A new content_sha256 closes the open version (valid_to = now) and opens version_no + 1; the same
-- hash with a new parser_version updates the open version's parser_version and url in place.
MERGE INTO briefing_versions AS t
USING (
    SELECT b.briefing_id, b.version_no - 1 AS version_no, 'close' AS op,
           NULL::VARCHAR AS url, NULL::VARCHAR AS content_sha256, NULL::VARCHAR AS parser_version
    FROM load_batch AS b
    WHERE b.new_version AND b.action = 'updated'
    UNION ALL
    SELECT b.briefing_id, b.version_no, CASE WHEN b.new_version THEN 'open' ELSE 'reparse' END,
           s.url, s.content_sha256, s.parser_version
    FROM load_batch AS b
    JOIN stg_briefings AS s ON s.briefing_id = b.briefing_id
) AS s
ON t.briefing_id = s.briefing_id AND t.version_no = s.version_no
WHEN MATCHED AND s.op = 'close' THEN UPDATE SET valid_to = $now
WHEN MATCHED AND s.op = 'reparse' THEN UPDATE SET parser_version = s.parser_version, url = s.url
WHEN NOT MATCHED AND s.op = 'open' THEN
    INSERT (briefing_id, version_no, url, content_sha256, parser_version, valid_from, valid_to, run_id)
    VALUES (s.briefing_id, s.version_no, s.url, s.content_sha256, s.parser_version, $now, NULL, $run_id);
