// Normalize step: turns staged payloads into event rows (one SQL statement per kind), routes bad items to
// quarantine candidates, and computes each event's semantic key. Runs inside the run's transaction.
import type { DuckDBConnection } from "@duckdb/node-api";
import { KNOWN_FIELDS } from "./shapes";

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** md5 of the parts joined by '|' (NULL spelled '~' so parts never shift): the semantic identity of an event. */
export function keySql(tag: string, ...parts: string[]): string {
  return `md5_number(concat_ws('|', ${sqlString(tag)}, ${parts.map((p) => `coalesce(CAST(${p} AS VARCHAR), '~')`).join(", ")}))`;
}

/** Unix seconds in a string → instant, NULL when not a plausible webhook time (2010 … run start + 2 days). */
const instantSql = (col: string) =>
  `CASE WHEN TRY_CAST(${col} AS BIGINT) BETWEEN 1262304000 AND $max_epoch THEN to_timestamp(TRY_CAST(${col} AS BIGINT)) END`;

/** Where in the payload a change sits, e.g. `[2].entry[0].changes[1]` (built only for quarantined items). */
const changePath = "concat_ws('.', item_prefix, 'entry[' || entry_idx || '].changes[' || change_idx || ']')";

const phoneHash = (col: string) => `md5_number_lower($hash_key || '|' || ${col})`;

export interface NormalizeParams {
  now: string;
  hashKey: string;
  optOutPattern: string;
}

/**
 * Builds the candidate tables the load step inserts from. `typed` reads the slice of staged payloads in view
 * `stage_slice` (statuses and inbound messages); `raw` reads raw_stage (every other field), once per run.
 */
export async function normalize(conn: DuckDBConnection, p: NormalizeParams, part: "typed" | "raw"): Promise<void> {
  // Latest plausible event time: the run's start plus two days of clock skew.
  const params = {
    max_epoch: Math.floor(Date.parse(p.now) / 1000) + 172800,
    hash_key: p.hashKey,
    optout: p.optOutPattern,
  };
  // DuckDB refuses values for parameters a statement does not use: bind only the ones it names.
  const run = async (rawSql: string) => {
    // Views cannot take prepared parameters: the time bound is a number we computed, so it goes in as a literal.
    const sql = rawSql.replaceAll("$max_epoch", String(params.max_epoch));
    const t = performance.now();
    const explain = process.env.WABA_LEDGER_EXPLAIN;
    if (explain && sql.includes(explain)) {
      const r = await conn.runAndReadAll(
        `EXPLAIN ANALYZE ${sql}`,
        Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`$${k}`))),
      );
      console.error(
        r
          .getRows()
          .map((row) => row.join("\n"))
          .join("\n"),
      );
      return;
    }
    await conn.run(sql, Object.fromEntries(Object.entries(params).filter(([k]) => sql.includes(`$${k}`))));
    if (process.env.WABA_LEDGER_TIMING)
      console.error(`${(performance.now() - t).toFixed(0)} ms  ${sql.trim().slice(0, 70).replace(/\s+/g, " ")}`);
  };
  // Phone ids arrive as digits, sometimes with '+', spaces or dashes: delete those (cheaper than a regex per row).
  // Anything that is still not all digits (redacted or placeholder ids) counts as no phone.
  const digits = (col: string) =>
    `CASE WHEN TRY_CAST(translate(${col}, '+-() .', '') AS UBIGINT) IS NOT NULL THEN translate(${col}, '+-() .', '') ELSE '' END`;
  // phone_prefixes keys are prefix-free (ITU codes, +1 and +7 expanded), so at most one of three joins matches.
  const prefixJoin = (col: string) => `
    LEFT JOIN phone_prefixes p2 ON p2.prefix = left(${col}, 2)
    LEFT JOIN phone_prefixes p3 ON p3.prefix = left(${col}, 3)
    LEFT JOIN phone_prefixes p4 ON p4.prefix = left(${col}, 4)`;
  const prefixCol = "coalesce(p2.prefix, p3.prefix, p4.prefix)";
  const isoCol = "coalesce(p2.iso2, p3.iso2, p4.iso2)";
  // Hash, prefix and country once per distinct recipient ("digits|bsuid"), then one join back: cheaper than
  // hashing and prefix-joining every status row.
  const whoLookup = (from: string) => `
    SELECT who,
      CASE WHEN phone <> '' THEN ${phoneHash("phone")} WHEN bsuid <> '' THEN ${phoneHash("'bsuid:' || bsuid")} END AS user_hash,
      ${prefixCol} AS user_prefix,
      coalesce(${isoCol}, CASE WHEN regexp_matches(bsuid, '^[A-Z]{2}\\.') THEN left(bsuid, 2) END) AS user_country
    FROM (SELECT who, split_part(who, '|', 1) AS phone, split_part(who, '|', 2) AS bsuid FROM (SELECT DISTINCT who FROM ${from})) d
    ${prefixJoin("d.phone")}`;
  const bsuidCountry = (col: string) => `CASE WHEN regexp_matches(${col}, '^[A-Z]{2}\\.') THEN left(${col}, 2) END`;

  if (part === "raw") {
    await normalizeRawPath(run, { digits, prefixJoin, prefixCol, isoCol, bsuidCountry });
    return;
  }

  // Payload-level problems: valid JSON that is not a WhatsApp webhook.
  await run(`
    INSERT INTO q_candidates
    SELECT file_id, line_no, item_prefix,
      CASE WHEN entry IS NULL OR len(entry) = 0 THEN 'not a webhook payload: no entry[] list'
           ELSE 'not a WhatsApp webhook: object is ' || to_json(object)::VARCHAR || ', expected "whatsapp_business_account"' END,
      NULL
    FROM stage_slice
    WHERE entry IS NULL OR len(entry) = 0 OR (object IS NOT NULL AND object <> 'whatsapp_business_account')`);

  await run(`
    CREATE TEMP VIEW entries AS
    SELECT file_id, line_no, item_prefix, generate_subscripts(entry, 1) - 1 AS entry_idx, unnest(entry) AS e, has_bad_entry
    FROM (SELECT *, list_bool_or(list_transform(entry, e -> e.id IS NULL OR e.id = '')) AS has_bad_entry FROM stage_slice)
    WHERE len(entry) > 0 AND (object IS NULL OR object = 'whatsapp_business_account')`);

  await run(`
    INSERT INTO q_candidates
    SELECT file_id, line_no, concat_ws('.', item_prefix, 'entry[' || entry_idx || ']'),
      'entry has no id (the WhatsApp Business Account id)', to_json(e)::VARCHAR
    FROM entries WHERE has_bad_entry AND (e.id IS NULL OR e.id = '')`);

  await run(`
    CREATE TEMP VIEW all_changes AS
    SELECT file_id, line_no, item_prefix, entry_idx, j AS change_idx,
      waba_id, CASE WHEN entry_time BETWEEN 1262304000 AND $max_epoch THEN to_timestamp(entry_time) END AS entry_at,
      entry_time, c.field AS field, c.value AS value
    FROM (SELECT file_id, line_no, item_prefix, entry_idx, e.id AS waba_id, e.time AS entry_time,
            generate_subscripts(e.changes, 1) - 1 AS j, unnest(e.changes) AS c
          FROM entries WHERE e.id IS NOT NULL AND e.id <> '')`);

  // Status-only changes (the bulk) are read straight from the stage; only the rest is copied out.
  await run(`
    CREATE TEMP TABLE changes AS
    SELECT * FROM all_changes WHERE field IS DISTINCT FROM 'messages' OR value.statuses IS NULL OR value.messages IS NOT NULL`);

  await run(`
    INSERT INTO q_candidates
    SELECT file_id, line_no, ${changePath}, 'change has no field', NULL FROM changes WHERE field IS NULL`);

  await run(`
    CREATE TEMP VIEW mv AS
    SELECT file_id, line_no, item_prefix, entry_idx, change_idx, waba_id, field, entry_at, entry_time, value AS v
    FROM changes WHERE field = 'messages'`);

  await run(`
    CREATE TEMP VIEW mv_statuses AS
    SELECT file_id, line_no, item_prefix, entry_idx, change_idx, waba_id, field, entry_at, entry_time, value AS v
    FROM all_changes WHERE field = 'messages' AND value.statuses IS NOT NULL`);

  // Outgoing statuses: one candidate per statuses[] item.
  await run(`
    CREATE TEMP VIEW st_raw AS
    SELECT file_id, line_no, item_prefix, entry_idx, change_idx, waba_id, phone_number_id, display_phone_number,
      s, coalesce(s.meta_msg_id, s.id) AS message_id, ${instantSql("s.timestamp")} AS status_at, k, has_bad
    FROM (SELECT file_id, line_no, item_prefix, entry_idx, change_idx, waba_id, v.metadata.phone_number_id AS phone_number_id,
            v.metadata.display_phone_number AS display_phone_number,
            list_bool_or(list_transform(v.statuses, s -> coalesce(s.meta_msg_id, s.id) IS NULL OR s.status IS NULL
              OR ${instantSql("s.timestamp")} IS NULL)) AS has_bad,
            generate_subscripts(v.statuses, 1) - 1 AS k, unnest(v.statuses) AS s
          FROM mv_statuses)`);

  await run(`
    INSERT INTO q_candidates
    SELECT r.file_id, r.line_no, ${changePath.replaceAll("item_prefix", "r.item_prefix").replaceAll("entry_idx", "r.entry_idx").replaceAll("change_idx", "r.change_idx")} || '.value.statuses[' || r.k || ']',
      CASE WHEN r.message_id IS NULL THEN 'status has no message id'
           WHEN r.s.status IS NULL THEN 'status has no status value'
           ELSE 'status timestamp ' || coalesce(to_json(r.s.timestamp)::VARCHAR, 'missing') || ' is not a plausible Unix time' END,
      NULL
    FROM (SELECT * FROM st_raw WHERE has_bad AND (message_id IS NULL OR s.status IS NULL OR status_at IS NULL)) r`);

  await run(`
    CREATE TEMP TABLE st_cand AS
    WITH flat AS MATERIALIZED (
      SELECT ${keySql("s", "message_id", "s.status", "s.timestamp", "s.recipient_participant_id")} AS event_key,
        file_id, line_no, waba_id, phone_number_id, display_phone_number, message_id,
        CASE WHEN s.meta_msg_id IS NOT NULL THEN s.id END AS bsp_message_id, s.status, status_at,
        ${digits("coalesce(s.recipient_participant_id, s.recipient_id, '')")} || '|' || coalesce(s.recipient_user_id, '') AS who,
        CASE WHEN s.recipient_type = 'group' THEN 'group' ELSE 'individual' END AS recipient_type,
        s.recipient_user_id IS NOT NULL AS has_bsuid,
        s.pricing.billable AS pricing_billable, s.pricing.pricing_model AS pricing_model, s.pricing.type AS pricing_type,
        s.pricing.category AS pricing_category, s.conversation.id AS conversation_id,
        s.conversation.origin.type AS conversation_origin,
        ${instantSql("s.conversation.expiration_timestamp")} AS conversation_expires_at,
        s.errors[1].code AS error_code, coalesce(len(s.errors), 0)::SMALLINT AS error_count, s.biz_opaque_callback_data,
        s.errors AS errors
      FROM st_raw WHERE message_id IS NOT NULL AND s.status IS NOT NULL AND status_at IS NOT NULL)
    SELECT flat.* EXCLUDE (who), w.user_hash AS recipient_hash, w.user_prefix AS recipient_prefix,
      w.user_country AS recipient_country
    FROM flat LEFT JOIN (${whoLookup("flat")}) w USING (who)`);

  await run("DROP VIEW st_raw; DROP VIEW mv_statuses; DROP VIEW all_changes; DROP VIEW entries");

  // Inbound messages.
  await run(`
    CREATE TEMP TABLE msg_raw AS
    SELECT file_id, line_no, item_prefix, entry_idx, change_idx, waba_id, phone_number_id, display_phone_number,
      x, ${instantSql("x.timestamp")} AS received_at, k
    FROM (SELECT file_id, line_no, item_prefix, entry_idx, change_idx, waba_id, v.metadata.phone_number_id AS phone_number_id,
            v.metadata.display_phone_number AS display_phone_number,
            generate_subscripts(v.messages, 1) - 1 AS k, unnest(v.messages) AS x
          FROM mv WHERE v.messages IS NOT NULL)`);

  await run(`
    INSERT INTO q_candidates
    SELECT r.file_id, r.line_no, ${changePath.replaceAll("item_prefix", "r.item_prefix").replaceAll("entry_idx", "r.entry_idx").replaceAll("change_idx", "r.change_idx")} || '.value.messages[' || r.k || ']',
      CASE WHEN r.x.id IS NULL THEN 'message has no id'
           ELSE 'message timestamp ' || coalesce(to_json(r.x.timestamp)::VARCHAR, 'missing') || ' is not a plausible Unix time' END,
      NULL
    FROM (SELECT * FROM msg_raw WHERE x.id IS NULL OR received_at IS NULL) r`);

  await run(`
    CREATE TEMP TABLE msg_cand AS
    SELECT ${keySql("m", "x.id")} AS event_key, file_id, line_no, waba_id, phone_number_id, display_phone_number,
      x.id AS message_id, received_at, x.type AS message_type,
      CASE WHEN sender <> '' THEN ${phoneHash("sender")} WHEN x.from_user_id IS NOT NULL THEN ${phoneHash("'bsuid:' || x.from_user_id")} END AS sender_hash,
      ${prefixCol} AS sender_prefix, coalesce(${isoCol}, ${bsuidCountry("x.from_user_id")}) AS sender_country,
      x.from_user_id IS NOT NULL AS has_bsuid, x.context.id AS context_message_id,
      coalesce(x.type, '') NOT IN ('system', 'request_welcome') AS opens_service_window,
      x.referral.source_type AS referral_source_type, x.referral.source_id AS referral_source_id, x.referral.ctwa_clid AS ctwa_clid,
      coalesce(regexp_matches(lower(trim(coalesce(x.text.body, x.button.text, ''), ' .!?¡¿')), $optout), false) AS opt_out_keyword
    FROM (SELECT *, ${digits("coalesce(x.from, '')")} AS sender
          FROM msg_raw WHERE x.id IS NOT NULL AND received_at IS NOT NULL) y
    ${prefixJoin("y.sender")}`);

  await run("DROP TABLE msg_raw; DROP VIEW mv; DROP TABLE changes");
}

interface SqlHelpers {
  digits(col: string): string;
  prefixJoin(col: string): string;
  prefixCol: string;
  isoCol: string;
  bsuidCountry(col: string): string;
}

/**
 * The raw path: payloads holding any change other than statuses / inbound messages were also read with each value
 * as raw JSON (raw_stage). Low-volume fields keep that JSON whole; unknown fields and system errors too.
 */
async function normalizeRawPath(run: (sql: string) => Promise<void>, h: SqlHelpers): Promise<void> {
  const { digits, prefixJoin, prefixCol, isoCol, bsuidCountry } = h;
  await run(`
    CREATE TEMP TABLE changes AS
    SELECT file_id, line_no, concat_ws('.', item_prefix, 'entry[' || entry_idx || '].changes[' || j || ']') AS item,
      waba_id, CASE WHEN entry_time BETWEEN 1262304000 AND $max_epoch THEN to_timestamp(entry_time) END AS entry_at,
      entry_time, c.field AS field, c.value AS value
    FROM (SELECT file_id, line_no, item_prefix, entry_idx, e.id AS waba_id, e.time AS entry_time,
            generate_subscripts(e.changes, 1) - 1 AS j, unnest(e.changes) AS c
          FROM (SELECT file_id, line_no, item_prefix, generate_subscripts(entry, 1) - 1 AS entry_idx, unnest(entry) AS e
                FROM raw_stage WHERE len(entry) > 0 AND (object IS NULL OR object = 'whatsapp_business_account'))
          WHERE e.id IS NOT NULL AND e.id <> '')
    WHERE c.field IS NOT NULL AND (c.field <> 'messages' OR (json_type(c.value) = 'OBJECT'
      AND json_type(c.value, '$.statuses') IS NULL AND json_type(c.value, '$.messages') IS NULL))`);

  await run(`
    INSERT INTO q_candidates
    SELECT file_id, line_no, item, 'change has no value object', NULL
    FROM changes WHERE value IS NULL OR json_type(value) <> 'OBJECT'`);

  // Low-volume fields: typed columns for what pages use, the whole value kept as raw JSON.
  const jv = (pathExpr: string) => `json_extract_string(value, '${pathExpr}')`;
  await run(`
    CREATE TEMP TABLE quality_cand AS
    SELECT ${keySql("q", "waba_id", "field", "entry_time", jv("$.event"), jv("$.display_phone_number"), jv("$.current_limit"), jv("$.old_limit"), jv("$.max_daily_conversations_per_business"), jv("$.max_daily_conversation_per_phone"), jv("$.max_phone_numbers_per_business"), jv("$.max_phone_numbers_per_waba"))} AS event_key,
      file_id, line_no, waba_id, field, entry_at AS event_at, ${jv("$.display_phone_number")} AS display_phone_number,
      ${jv("$.event")} AS event, ${jv("$.current_limit")} AS current_limit, ${jv("$.old_limit")} AS old_limit,
      ${jv("$.max_daily_conversations_per_business")} AS max_daily_conversations_per_business,
      ${jv("$.max_daily_conversation_per_phone")} AS max_daily_conversation_per_phone,
      ${jv("$.max_phone_numbers_per_business")} AS max_phone_numbers_per_business,
      ${jv("$.max_phone_numbers_per_waba")} AS max_phone_numbers_per_waba, value AS raw
    FROM changes WHERE field IN ('phone_number_quality_update', 'business_capability_update') AND json_type(value) = 'OBJECT'`);

  await run(`
    CREATE TEMP TABLE template_cand AS
    SELECT ${keySql("t", "waba_id", "field", "entry_time", "template_id", "event", "reason", "new_quality", "new_category", "correct_category", "category_update_ts")} AS event_key,
      file_id, line_no, waba_id, field, entry_at AS event_at, template_id, template_name, template_language, event, reason,
      category, previous_quality, new_quality, previous_category, new_category, correct_category,
      CASE WHEN TRY_CAST(category_update_ts AS BIGINT) > 0 THEN to_timestamp(TRY_CAST(category_update_ts AS BIGINT)) END AS category_update_at,
      value AS raw
    FROM (SELECT *,
        coalesce(${jv("$.message_template_id")}, ${jv("$.template_id")}) AS template_id,
        coalesce(${jv("$.message_template_name")}, ${jv("$.template_name")}) AS template_name,
        coalesce(${jv("$.message_template_language")}, ${jv("$.template_language")}, ${jv("$.language")}) AS template_language,
        ${jv("$.event")} AS event, ${jv("$.reason")} AS reason,
        coalesce(${jv("$.message_template_category")}, ${jv("$.category")}) AS category,
        ${jv("$.previous_quality_score")} AS previous_quality, ${jv("$.new_quality_score")} AS new_quality,
        ${jv("$.previous_category")} AS previous_category, ${jv("$.new_category")} AS new_category,
        ${jv("$.correct_category")} AS correct_category, ${jv("$.category_update_timestamp")} AS category_update_ts
      FROM changes WHERE field IN ('message_template_status_update', 'message_template_quality_update', 'template_category_update') AND json_type(value) = 'OBJECT')`);

  await run(`
    CREATE TEMP TABLE account_cand AS
    SELECT ${keySql("a", "waba_id", "field", "entry_time", "event", "tier", "tier_update_ts", "tier_pricing_category", "tier_effective_month", "tier_region", "auth_start", "primary_country", "ban_state", "violation_type", "alert_type", "json_extract(value, '$.restriction_info[*].restriction_type')")} AS event_key,
      file_id, line_no, waba_id, field, entry_at AS event_at, event, phone_number, tier_pricing_category, tier,
      tier_effective_month, tier_region,
      CASE WHEN TRY_CAST(tier_update_ts AS BIGINT) > 0 THEN to_timestamp(TRY_CAST(tier_update_ts AS BIGINT)) END AS tier_update_at,
      CASE WHEN TRY_CAST(auth_start AS BIGINT) > 0 THEN to_timestamp(TRY_CAST(auth_start AS BIGINT)) END AS auth_intl_start_at,
      primary_country, ban_state, violation_type,
      CASE WHEN json_type(value, '$.restriction_info') = 'ARRAY'
           THEN list_transform(json_extract(value, '$.restriction_info[*].restriction_type'), x -> json_extract_string(x, '$')) END AS restriction_types,
      alert_type, alert_severity, value AS raw
    FROM (SELECT *,
        coalesce(${jv("$.event")}, ${jv("$.alert_info.alert_type")}) AS event, ${jv("$.phone_number")} AS phone_number,
        ${jv("$.volume_tier_info.pricing_category")} AS tier_pricing_category, ${jv("$.volume_tier_info.tier")} AS tier,
        ${jv("$.volume_tier_info.effective_month")} AS tier_effective_month, ${jv("$.volume_tier_info.region")} AS tier_region,
        ${jv("$.volume_tier_info.tier_update_time")} AS tier_update_ts,
        coalesce(${jv("$.auth_international_rate_eligibility.start_time")}, ${jv("$.auth_intl_price_eligibility_info.start_time")}) AS auth_start,
        coalesce(${jv("$.business_primary_location_country_info.country")}, ${jv("$.country")}) AS primary_country,
        ${jv("$.ban_info.waba_ban_state")} AS ban_state, ${jv("$.violation_info.violation_type")} AS violation_type,
        ${jv("$.alert_info.alert_type")} AS alert_type, ${jv("$.alert_info.alert_severity")} AS alert_severity
      FROM changes WHERE field IN ('account_update', 'account_alerts') AND json_type(value) = 'OBJECT')`);

  await run(`
    CREATE TEMP TABLE pref_raw AS
    SELECT c.file_id, c.line_no, c.item || '.value.user_preferences[' || (u.k - 1) || ']' AS item, c.waba_id, c.value,
      json_extract_string(c.value, '$.metadata.phone_number_id') AS phone_number_id, u.p AS p, u.k - 1 AS k,
      ${instantSql("json_extract_string(u.p, '$.timestamp')")} AS event_at
    FROM (SELECT * FROM changes WHERE field = 'user_preferences' AND json_type(value, '$.user_preferences') = 'ARRAY') c,
         unnest(json_extract(c.value, '$.user_preferences[*]')) WITH ORDINALITY AS u(p, k)`);

  await run(`
    CREATE TEMP TABLE pref_cand AS
    SELECT ${keySql("p", "waba_id", "user_id", "json_extract_string(p, '$.category')", "json_extract_string(p, '$.value')", "json_extract_string(p, '$.timestamp')")} AS event_key,
      file_id, line_no, waba_id, phone_number_id, event_at,
      CASE WHEN user_digits <> '' THEN ${phoneHash("user_digits")} WHEN user_id IS NOT NULL THEN ${phoneHash("'bsuid:' || user_id")} END AS user_hash,
      ${prefixCol} AS user_prefix, coalesce(${isoCol}, ${bsuidCountry("user_id")}) AS user_country,
      json_extract_string(p, '$.category') AS category, json_extract_string(p, '$.value') AS value
    FROM (SELECT *, json_extract_string(p, '$.user_id') AS user_id,
            ${digits("coalesce(json_extract_string(p, '$.wa_id'), '')")} AS user_digits
          FROM pref_raw) y
    ${prefixJoin("y.user_digits")}`);

  // System-level errors (value.errors with no statuses/messages) and fields this version does not know.
  const known = Object.keys(KNOWN_FIELDS).map(sqlString).join(", ");
  await run(`
    CREATE TEMP TABLE other_cand AS
    SELECT ${keySql("o", "waba_id", "field", "entry_time", "'system_error'", "json_extract_string(e, '$.code')", "json_extract_string(e, '$.title')", "json_extract_string(value, '$.metadata.phone_number_id')")} AS event_key,
      file_id, line_no, waba_id, field, 'system_error' AS kind, entry_at AS event_at, TRY_CAST(json_extract_string(e, '$.code') AS INTEGER) AS error_code,
      e AS raw
    FROM (SELECT *, unnest(json_extract(value, '$.errors[*]')) AS e FROM changes
          WHERE field = 'messages' AND json_type(value, '$.errors') = 'ARRAY') x
    UNION ALL
    SELECT ${keySql("o", "waba_id", "field", "entry_time", "'unknown_field'", "value")},
      file_id, line_no, waba_id, field, 'unknown_field', entry_at, NULL, value
    FROM changes WHERE field IS NOT NULL AND field NOT IN (${known}) AND json_type(value) = 'OBJECT'
    UNION ALL
    SELECT ${keySql("o", "waba_id", "field", "entry_time", "'unknown_field'", "value")},
      file_id, line_no, waba_id, field, 'unknown_field', entry_at, NULL, value
    FROM changes WHERE field = 'messages' AND json_type(value) = 'OBJECT' AND json_type(value, '$.errors') IS NULL`);
}
