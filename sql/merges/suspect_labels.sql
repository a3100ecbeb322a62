-- suspect_labels: the heads of each current briefing that open like a speaker label but were not
-- read as one (issue 22).
-- grain: one row per head; key: (briefing_id, span_start).
-- depends: briefings
-- Anti-join upsert per briefing, as the child tables: rows that did not change stay, rows gone from a
-- re-loaded briefing are deleted, new ones inserted. Current rows only (no history twin: the heads
-- are re-derived from the transcript, which briefings_history keeps).
{% import 'merges/_macros.sql' as m with context %}
{{ m.merge_child('suspect_labels') }}
