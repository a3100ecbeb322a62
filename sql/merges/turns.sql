-- turns: the current turns of each briefing.
-- grain: one row per turn; key: (briefing_id, turn_no).
-- depends: speakers, briefings
-- Anti-join upsert per briefing: rows are matched on every column the loader writes, so rows that did
-- not change are left untouched (columns the loader does not write keep their values), rows that are
-- gone are deleted and new ones inserted. Natural keys are not enforced here: a bad page is loaded as
-- given and reported by warehouse/checks.py.
{% import 'merges/_macros.sql' as m with context %}
{{ m.merge_child('turns') }}
