-- indicators_history: the indicators of every version of each briefing (the current version included).
-- grain: one row per indicator mention and version; key: (briefing_id, version_no, mention_no).
-- depends: indicators
{% import 'merges/_macros.sql' as m with context %}
{{ m.copy_history('indicators') }}
