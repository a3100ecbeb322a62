{#- Macros shared by the merge files (Jinja; rendered by warehouse/load.py once per batch).

Globals the loader provides:
  columns(table, alias=None)    the columns the loader writes to `table` (briefings.staging.STAGED_COLUMNS),
                                comma-separated, each prefixed by `alias.` when given
  assignments(table, alias)     `c = alias.c` for those columns, the key columns left out
  same_row(table, left, right)  every written column equal (IS NOT DISTINCT FROM) in `left` and `right`
  shared_columns(history, table, alias=None)
                                the columns `history` shares with `table` (read from the catalog, so
                                a column a migration adds to both is copied without naming it here)
  kept_columns(history, table)  the same columns, as a list
  staged_covers(history, table, *merged)
                                true when every column `history` shares with `table` is one the loader
                                writes or one of `merged` (set by the merge itself): the history can
                                then be copied from `stg_<table>` rather than read back from `table`
Flags: updated (some briefing of the batch is already in the warehouse), reparsed (some briefing keeps
its version and gets a new parser_version). Parameters bound at run time: $run_id, $now.
-#}

{% macro merge_child(table) -%}
{% if updated -%}
-- rows of re-loaded briefings that are not staged any more (changed or gone)
DELETE FROM {{ table }} AS t
USING load_batch AS b
WHERE t.briefing_id = b.briefing_id AND b.action = 'updated'
  AND NOT EXISTS (SELECT 1 FROM stg_{{ table }} AS s WHERE {{ same_row(table, 's', 't') }});

-- staged rows the table does not hold yet (a row that did not change is left as it is)
INSERT INTO {{ table }} ({{ columns(table) }}, loaded_at)
SELECT {{ columns(table, 's') }}, $now
FROM stg_{{ table }} AS s
SEMI JOIN load_batch AS b ON b.briefing_id = s.briefing_id
ANTI JOIN (SELECT c.* FROM {{ table }} AS c SEMI JOIN load_batch AS u ON u.briefing_id = c.briefing_id
           AND u.action = 'updated') AS t
    ON {{ same_row(table, 's', 't') }};
{%- else -%}
-- every briefing of the batch is new: its staged rows are its rows
INSERT INTO {{ table }} ({{ columns(table) }}, loaded_at)
SELECT {{ columns(table, 's') }}, $now
FROM stg_{{ table }} AS s
SEMI JOIN load_batch AS b ON b.briefing_id = s.briefing_id;
{%- endif %}
{%- endmacro %}

{% macro copy_history(table) -%}
{% if reparsed -%}
-- a new parser_version re-derives the rows of the same version: drop that version's old rows
DELETE FROM {{ table }}_history AS h
USING load_batch AS b
WHERE h.briefing_id = b.briefing_id AND h.version_no = b.version_no AND NOT b.new_version;
{% endif -%}
{% if staged_covers(table ~ '_history', table) -%}
-- the current rows, stored under the briefing's version_no. After merge_child they equal the batch's
-- staged rows in every column the history keeps (the loader checks their counts), so they are read
-- from staging: a scan of the whole current table grew with the warehouse, in time and in DuckDB's cache
INSERT INTO {{ table }}_history (version_no, {{ shared_columns(table ~ '_history', table) }})
SELECT b.version_no, {{ shared_columns(table ~ '_history', table, 's') }}
FROM stg_{{ table }} AS s
JOIN load_batch AS b ON b.briefing_id = s.briefing_id;
{%- else -%}
-- the current rows, stored under the briefing's version_no (the history keeps a column the loader
-- does not write, so they are read from the table)
INSERT INTO {{ table }}_history (version_no, {{ shared_columns(table ~ '_history', table) }})
SELECT b.version_no, {{ shared_columns(table ~ '_history', table, 't') }}
FROM {{ table }} AS t
JOIN load_batch AS b ON b.briefing_id = t.briefing_id;
{%- endif %}
{%- endmacro %}

{#- The order in which briefings count as earlier, for "first briefing" columns: the event date, else the
publish date, else the list date (no date: last), then briefing_id. `b` is an alias of `briefings`. -#}
{% macro first_key(b) -%}
(coalesce({{ b }}.event_date, {{ b }}.publish_date, {{ b }}.list_date, DATE '9999-12-31'), {{ b }}.briefing_id)
{%- endmacro %}
