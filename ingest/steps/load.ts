// Load step: inserts each kind's candidates that are new (first of any in-batch duplicates, none already
// stored) and the quarantine, returning per-kind counts. Runs inside the run's transaction.
import crypto from "node:crypto";
import type { DuckDBConnection } from "@duckdb/node-api";
import type { EventKind } from "./shapes";

/** Each kind's candidates (built by normalize) and the table they go to; columns match by name. */
const TARGETS: Array<{ kind: EventKind; candidates: string; table: string }> = [
  { kind: "status", candidates: "st_cand", table: "status_events" },
  { kind: "message", candidates: "msg_cand", table: "message_events" },
  { kind: "quality", candidates: "quality_cand", table: "quality_events" },
  { kind: "template", candidates: "template_cand", table: "template_events" },
  { kind: "account", candidates: "account_cand", table: "account_events" },
  { kind: "preferences", candidates: "pref_cand", table: "preference_events" },
  { kind: "other", candidates: "other_cand", table: "other_events" },
];

async function count(conn: DuckDBConnection, sql: string, params?: Record<string, string | number>): Promise<number> {
  const reader = await conn.runAndReadAll(sql, params);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

/**
 * Inserts the candidates of the given kinds that are new, and drops the candidate tables. The first occurrence
 * (lowest file, line) of an in-batch duplicate is the one kept; later slices of a run see earlier ones as stored.
 */
export async function loadEvents(
  conn: DuckDBConnection,
  runId: number,
  kinds: readonly EventKind[],
): Promise<{ events: Partial<Record<EventKind, number>>; candidates: number }> {
  const events: Partial<Record<EventKind, number>> = {};
  let candidates = 0;
  for (const t of TARGETS.filter((x) => kinds.includes(x.kind))) {
    const n = await count(conn, `SELECT count(*) FROM ${t.candidates}`);
    candidates += n;
    if (n === 0) {
      events[t.kind] = 0;
      continue;
    }
    // In-batch duplicates are few: rank only the keys that repeat, and drop the later copies by rowid. The first
    // (file, line) wins. A window over every candidate would sort the whole batch.
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE losers AS
      SELECT r FROM (
        SELECT rowid AS r, row_number() OVER (PARTITION BY event_key ORDER BY file_id, line_no, rowid) AS rn
        FROM ${t.candidates} WHERE event_key IN (SELECT event_key FROM ${t.candidates} GROUP BY event_key HAVING count(*) > 1))
      WHERE rn > 1`);
    const source = `(SELECT * FROM ${t.candidates} WHERE rowid NOT IN (SELECT r FROM losers))`;
    const fresh = `${source} c WHERE NOT EXISTS (SELECT 1 FROM ${t.table} e WHERE e.event_key = c.event_key)`;
    if (t.kind === "status") {
      await conn.run(`
        INSERT INTO status_errors
        SELECT event_key, (i - 1)::SMALLINT, waba_id, message_id, status_at, e.code, e.title, e.error_data.details, e.href
        FROM (SELECT c.event_key, c.waba_id, c.message_id, c.status_at, generate_subscripts(c.errors, 1) AS i, unnest(c.errors) AS e
              FROM ${fresh} AND c.error_count > 0)`);
    }
    // Status errors go to their own table, so the candidates' errors list is the one column not inserted.
    const exclude = t.kind === "status" ? "EXCLUDE (errors)" : "";
    events[t.kind] = await count(
      conn,
      `INSERT INTO ${t.table} BY NAME SELECT c.* ${exclude}, $run_id AS run_id FROM ${fresh}`,
      { run_id: runId },
    );
    await conn.run(`DROP TABLE ${t.candidates}`);
  }
  return { events, candidates };
}

/** Sorted-key JSON when the text parses, so a retry with reordered keys is the same quarantined item. */
export function canonicalText(raw: string): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
          )
        : v;
  try {
    return JSON.stringify(sortKeys(JSON.parse(raw)));
  } catch {
    return raw.trim();
  }
}

/** Quarantine rows are few: key them in Node (item + canonical text), keep the first of each, skip known ones. */
export async function loadQuarantine(conn: DuckDBConnection, runId: number, now: string): Promise<number> {
  const rows = (
    await conn.runAndReadAll("SELECT path, line_no, item, reason, raw FROM q_final ORDER BY path, line_no")
  ).getRowObjectsJson();
  if (rows.length === 0) return 0;
  await conn.run(
    "CREATE OR REPLACE TEMP TABLE q_keyed (qk UHUGEINT, path VARCHAR, line_no BIGINT, item VARCHAR, reason VARCHAR, raw VARCHAR)",
  );
  const app = await conn.createAppender("q_keyed", "main", "temp");
  for (const r of rows) {
    const raw = String(r.raw ?? "");
    const digest = crypto
      .createHash("md5")
      .update(`${r.item ?? ""}|${canonicalText(raw)}`)
      .digest("hex");
    app.appendUHugeInt(BigInt(`0x${digest}`));
    app.appendVarchar(String(r.path));
    if (r.line_no === null) app.appendNull();
    else app.appendBigInt(BigInt(String(r.line_no)));
    if (r.item === null) app.appendNull();
    else app.appendVarchar(String(r.item));
    app.appendVarchar(String(r.reason));
    app.appendVarchar(raw);
    app.endRow();
  }
  app.closeSync();
  return count(
    conn,
    `INSERT INTO quarantine
     SELECT DISTINCT ON (qk) qk, $run_id, path, line_no, item, reason, raw, $now::TIMESTAMPTZ
     FROM q_keyed c WHERE NOT EXISTS (SELECT 1 FROM quarantine q WHERE q.quarantine_key = c.qk)
     ORDER BY qk, path, line_no`,
    { run_id: runId, now },
  );
}
