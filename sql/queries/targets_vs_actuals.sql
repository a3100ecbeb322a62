-- targets_vs_actuals: each target with the achieved values of the same city and metric_code whose period lies within the target's period, latest first, and the gap.
-- grain: one row per (target mention, achieved mention); a target with no achieved value yet gives one row with the achieved columns NULL
-- param city VARCHAR optional: only briefings about this city (天门 or 天门市); NULL = any
-- param metric_code VARCHAR optional: only this metric (fixed_asset_investment; see the metrics table); NULL = any
-- Targets are mentions with status 'target' and a metric_code. gap = achieved value - target value, in the
-- target's unit, when both have the same kind and unit (9 % achieved against a 12 % growth target: -3);
-- NULL otherwise (a rank against a growth target). A period lies within another when its start (or, with no
-- start, its end) and its end fall inside it. Both sides name their subject (target_subject, achieved_subject):
-- a target pairs with results of the same subject, where the city itself (全市, 我市, the city's name or no
-- subject) counts as one subject, so 新材料产业园's 产值 target never meets another company's 产值.
WITH mentions AS (
    SELECT b.city, b.session_no, i.*,
           CASE WHEN coalesce(i.subject, '') IN ('', '全市', '我市', '本市', '全县', '我县', '本县', '全区', '我区', '本区')
                  OR i.subject = b.city OR i.subject = b.city || '市' THEN '' ELSE i.subject END AS subject_key
    FROM indicators i
    JOIN briefings b USING (briefing_id)
    WHERE i.metric_code IS NOT NULL
      AND ($city IS NULL OR b.city = trim($city) OR b.city || '市' = trim($city) OR b.city = trim($city) || '市')
      AND ($metric_code IS NULL OR i.metric_code = $metric_code)
),
targets AS (
    SELECT * FROM mentions WHERE status = 'target'
),
achieved AS (
    SELECT * FROM mentions WHERE status = 'achieved' AND period_end IS NOT NULL
),
final AS (
    SELECT t.city, t.metric_code, m.name_zh AS metric_name, t.metric AS target_metric,
           t.session_no AS target_session_no, t.briefing_id AS target_briefing_id, t.mention_no AS target_mention_no,
           t.value_text AS target_value_text, t.qualifier AS target_qualifier, t.kind AS target_kind,
           t.value AS target_value, t.unit AS target_unit,
           t.period_start AS target_period_start, t.period_end AS target_period_end,
           a.session_no AS achieved_session_no, a.briefing_id AS achieved_briefing_id,
           a.mention_no AS achieved_mention_no, a.value_text AS achieved_value_text, a.kind AS achieved_kind,
           a.value AS achieved_value, a.unit AS achieved_unit,
           a.period_start AS achieved_period_start, a.period_end AS achieved_period_end,
           CASE WHEN a.kind = t.kind AND a.unit = t.unit THEN a.value - t.value END AS gap,
           t.subject AS target_subject, a.subject AS achieved_subject,
           t.sentence AS target_sentence, a.sentence AS achieved_sentence
    FROM targets t
    LEFT JOIN achieved a
      ON a.city IS NOT DISTINCT FROM t.city
     AND a.metric_code = t.metric_code
     AND a.subject_key = t.subject_key
     AND coalesce(a.period_start, a.period_end) >= coalesce(t.period_start, t.period_end)
     AND a.period_end <= t.period_end
    LEFT JOIN metrics m ON m.metric_code = t.metric_code
)
SELECT * FROM final
ORDER BY city, metric_code, target_briefing_id, target_mention_no, achieved_period_end DESC NULLS LAST,
         achieved_period_start DESC NULLS LAST, achieved_briefing_id, achieved_mention_no;
