-- guests_history: the guests of every version of each briefing (the current version included).
-- grain: one row per guest of the 嘉宾 line and version; key: (briefing_id, version_no, guest_no).
-- depends: guests
{% import 'merges/_macros.sql' as m with context %}
{{ m.copy_history('guests') }}
