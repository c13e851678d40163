// The JSON shapes DuckDB reads webhook payloads into: only the fields the ledger keeps (no message text
// beyond what the opt-out flag needs; it is dropped after the flag is derived).

/** A webhook POST body: envelope typed, each change's value left as raw JSON for the per-field steps. */
export const PAYLOAD_COLUMNS = `{object: 'VARCHAR', entry: 'STRUCT(id VARCHAR, "time" BIGINT, changes STRUCT(field VARCHAR, value JSON)[])[]'}`;

export const PAYLOAD_TYPE = `STRUCT(id VARCHAR, "time" BIGINT, changes STRUCT(field VARCHAR, value JSON)[])[]`;

/** value of a `messages` change: statuses, inbound messages and system-level errors. */
export const MESSAGES_VALUE_SHAPE = JSON.stringify({
  metadata: { display_phone_number: "VARCHAR", phone_number_id: "VARCHAR" },
  statuses: [
    {
      id: "VARCHAR",
      meta_msg_id: "VARCHAR",
      status: "VARCHAR",
      timestamp: "VARCHAR",
      recipient_id: "VARCHAR",
      recipient_type: "VARCHAR",
      recipient_participant_id: "VARCHAR",
      recipient_user_id: "VARCHAR",
      biz_opaque_callback_data: "VARCHAR",
      conversation: { id: "VARCHAR", expiration_timestamp: "VARCHAR", origin: { type: "VARCHAR" } },
      pricing: { billable: "BOOLEAN", pricing_model: "VARCHAR", type: "VARCHAR", category: "VARCHAR" },
      errors: [
        { code: "INTEGER", title: "VARCHAR", message: "VARCHAR", error_data: { details: "VARCHAR" }, href: "VARCHAR" },
      ],
    },
  ],
  messages: [
    {
      from: "VARCHAR",
      from_user_id: "VARCHAR",
      id: "VARCHAR",
      timestamp: "VARCHAR",
      type: "VARCHAR",
      context: { id: "VARCHAR" },
      referral: { source_type: "VARCHAR", source_id: "VARCHAR", ctwa_clid: "VARCHAR" },
      text: { body: "VARCHAR" },
      button: { text: "VARCHAR", payload: "VARCHAR" },
    },
  ],
  errors: [{ code: "INTEGER", title: "VARCHAR", message: "VARCHAR" }],
});

/** A json_transform-style shape as a DuckDB type, so read_json can type the bulk of a file in its one parse. */
export function duckType(shape: unknown): string {
  if (Array.isArray(shape)) return `${duckType(shape[0])}[]`;
  if (shape && typeof shape === "object") {
    return `STRUCT(${Object.entries(shape)
      .map(([k, v]) => `"${k}" ${duckType(v)}`)
      .join(", ")})`;
  }
  return String(shape);
}

/** The bulk path: `messages` changes typed at parse time (statuses and inbound messages). */
export const TYPED_PAYLOAD_TYPE = `STRUCT(id VARCHAR, "time" BIGINT, changes STRUCT(field VARCHAR, value ${duckType(JSON.parse(MESSAGES_VALUE_SHAPE))})[])[]`;
export const TYPED_PAYLOAD_COLUMNS = `{object: 'VARCHAR', entry: '${TYPED_PAYLOAD_TYPE.replace(/'/g, "''")}'}`;

/** The fields the ingest understands; anything else is kept whole in other_events. */
export const KNOWN_FIELDS = {
  messages: "status/message",
  phone_number_quality_update: "quality",
  business_capability_update: "quality",
  message_template_status_update: "template",
  message_template_quality_update: "template",
  template_category_update: "template",
  account_update: "account",
  account_alerts: "account",
  user_preferences: "preferences",
} as const;

export const EVENT_KINDS = ["status", "message", "quality", "template", "account", "preferences", "other"] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
