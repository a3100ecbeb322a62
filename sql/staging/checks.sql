-- Checks of a batch's staged rows, run before any merge (rendered by warehouse/load.py).
-- One row per problem: (batch_pos, problem). A page with a problem is rejected alone, before
-- anything of the batch is written; the other pages of the batch load.
-- Keys and required values: every NOT NULL column of the mart (read from the catalog) has a value.
-- Counts: the briefing row's guest_count / turn_count equal its staged guest / turn rows.
-- Spans: turn and indicator spans lie inside the transcript, [0, length(transcript)] code points.
-- Rows that pass may still break a contract checks.py reports (a duplicate turn_no, a span that
-- cuts the wrong text): those load as given, so that the run's data-quality checks can show them.
WITH transcript AS (SELECT batch_pos, length(transcript) AS code_points FROM stg_briefings)
{% for table, cols in not_null.items() if cols %}
SELECT batch_pos, '{{ table }}: ' || concat_ws(', '
    {%- for c in cols %}, CASE WHEN {{ c }} IS NULL THEN '{{ c }}' END{% endfor -%}
    ) || ' is NULL (NOT NULL column)' AS problem
FROM stg_{{ table }}
WHERE {% for c in cols %}{{ c }} IS NULL{% if not loop.last %} OR {% endif %}{% endfor %}
UNION ALL
{% endfor %}
SELECT b.batch_pos, 'briefings: turn_count ' || b.turn_count || ' but ' || coalesce(t.n, 0) || ' turn rows staged'
FROM stg_briefings AS b
LEFT JOIN (SELECT batch_pos, count(*) AS n FROM stg_turns GROUP BY batch_pos) AS t ON t.batch_pos = b.batch_pos
WHERE b.turn_count IS DISTINCT FROM coalesce(t.n, 0)
UNION ALL
SELECT b.batch_pos, 'briefings: guest_count ' || b.guest_count || ' but ' || coalesce(g.n, 0) || ' guest rows staged'
FROM stg_briefings AS b
LEFT JOIN (SELECT batch_pos, count(*) AS n FROM stg_guests GROUP BY batch_pos) AS g ON g.batch_pos = b.batch_pos
WHERE b.guest_count IS DISTINCT FROM coalesce(g.n, 0)
UNION ALL
SELECT t.batch_pos, 'turns: turn ' || t.turn_no || ' span [' || t.span_start || ', ' || t.span_end
       || ') is not inside the transcript (' || n.code_points || ' code points)'
FROM stg_turns AS t
JOIN transcript AS n ON n.batch_pos = t.batch_pos
WHERE NOT (t.span_start >= 0 AND t.span_end >= t.span_start AND t.span_end <= n.code_points)
UNION ALL
SELECT i.batch_pos, 'indicators: mention ' || i.mention_no || ' span [' || i.span_start || ', ' || i.span_end
       || ') is not inside the transcript (' || n.code_points || ' code points)'
FROM stg_indicators AS i
JOIN transcript AS n ON n.batch_pos = i.batch_pos
WHERE NOT (i.span_start >= 0 AND i.span_end >= i.span_start AND i.span_end <= n.code_points)
ORDER BY 1, 2
