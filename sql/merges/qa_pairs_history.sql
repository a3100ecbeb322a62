-- qa_pairs_history: the qa_pairs of every version of each briefing (the current version included).
-- grain: one row per question and version; key: (briefing_id, version_no, question_turn_no).
-- depends: qa_pairs
{% import 'merges/_macros.sql' as m with context %}
{{ m.copy_history('qa_pairs') }}
