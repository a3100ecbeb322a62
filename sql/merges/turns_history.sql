-- turns_history: the turns of every version of each briefing (the current version included).
-- grain: one row per turn and version; key: (briefing_id, version_no, turn_no).
-- depends: turns
{% import 'merges/_macros.sql' as m with context %}
{{ m.copy_history('turns') }}
