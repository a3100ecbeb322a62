-- briefings: the current version of every briefing.
-- grain: one row per page URL; key: briefing_id (briefing_id_for(url)).
-- depends:
-- Upsert on briefing_id: a new page is inserted, a re-loaded one takes the staged values, its new
-- version_no and this run's run_id and loaded_at.
MERGE INTO briefings AS t
USING (
    SELECT s.*, b.version_no AS new_version_no
    FROM stg_briefings AS s
    JOIN load_batch AS b ON b.briefing_id = s.briefing_id
) AS s
ON t.briefing_id = s.briefing_id
WHEN MATCHED THEN UPDATE SET {{ assignments('briefings', 's') }},
    version_no = s.new_version_no, run_id = $run_id, loaded_at = $now
WHEN NOT MATCHED THEN
    INSERT ({{ columns('briefings') }}, version_no, run_id, loaded_at)
    VALUES ({{ columns('briefings', 's') }}, s.new_version_no, $run_id, $now);
