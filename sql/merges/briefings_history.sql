-- briefings_history: every version of every briefing row (the current one included).
-- grain: one row per (briefing_id, version_no); key: (briefing_id, version_no).
-- depends: briefings
{% if reparsed -%}
DELETE FROM briefings_history AS h
USING load_batch AS b
WHERE h.briefing_id = b.briefing_id AND h.version_no = b.version_no AND NOT b.new_version;
{% endif -%}
{% if staged_covers('briefings_history', 'briefings', 'version_no', 'run_id') -%}
-- the batch's briefings as merge_briefings left them: the staged values, the batch's version_no and
-- this run's run_id (read from staging: a scan of briefings grew with the warehouse)
{%- set kept = kept_columns('briefings_history', 'briefings') %}
INSERT INTO briefings_history ({{ kept | join(', ') }})
SELECT {% for c in kept %}{{ {'version_no': 'b.version_no', 'run_id': '$run_id'}.get(c, 's.' ~ c) }}{{ ', ' if not loop.last }}{% endfor %}
FROM stg_briefings AS s
JOIN load_batch AS b ON b.briefing_id = s.briefing_id;
{%- else -%}
INSERT INTO briefings_history ({{ shared_columns('briefings_history', 'briefings') }})
SELECT {{ shared_columns('briefings_history', 'briefings', 't') }}
FROM briefings AS t
SEMI JOIN load_batch AS b ON b.briefing_id = t.briefing_id;
{%- endif %}
