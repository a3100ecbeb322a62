-- appearances_history: the appearances of every version of each briefing (the current version included).
-- grain: one row per speaker of a briefing and version; key: (briefing_id, version_no, speaker_id).
-- depends: appearances
{% import 'merges/_macros.sql' as m with context %}
{{ m.copy_history('appearances') }}
