-- 006: what a transcript holds besides speech (issue 13). `lead` is the preamble before the first
-- speaker label (title line, 来源 line, 导读, lead paragraph), NULL when the transcript opens with a
-- label. `extra_spans` records every span of `transcript` that is no one's speech, in order, as a
-- JSON list of {"kind": "lead" | "narration" | "tail", "span_start", "span_end"} (code points, half
-- open); with the turns' labels and texts they cover the transcript. Rows loaded before this
-- migration keep NULL until the next `briefings reparse`.
ALTER TABLE briefings ADD COLUMN lead VARCHAR;
ALTER TABLE briefings ADD COLUMN extra_spans JSON;
ALTER TABLE briefings_history ADD COLUMN lead VARCHAR;
ALTER TABLE briefings_history ADD COLUMN extra_spans JSON;
