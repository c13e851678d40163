// The ingest job: scan ► parse (DuckDB) ► repair or quarantine unreadable lines ► normalize ► dedupe ► load,
// all in one transaction per run, so a crash leaves the database as before the run or after it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { type Ledger, projectRoot } from "../app/.server/db";
import { type Progress, silentProgress } from "./progress";
import { expandInputs, readLines, type ScannedFile, scanFile } from "./readers/scan";
import { loadEvents, loadQuarantine } from "./steps/load";
import { normalize } from "./steps/normalize";
import {
  EVENT_KINDS,
  type EventKind,
  PAYLOAD_COLUMNS,
  PAYLOAD_TYPE,
  TYPED_PAYLOAD_COLUMNS,
  TYPED_PAYLOAD_TYPE,
} from "./steps/shapes";

export type IngestSource = "cli" | "demo" | "server" | "receiver" | "test";

export interface IngestOptions {
  source?: IngestSource;
  isDemo?: boolean;
  progress?: Progress;
  /** Called between steps; tests use it to crash a run at a known point. */
  onStep?: (step: string) => void;
}

export interface IngestSummary {
  run_id: number | null;
  files: number;
  unchanged_files: number;
  lines: number;
  payloads: number;
  events: Record<EventKind, number>;
  duplicates: number;
  quarantined: number;
  problems: string[];
  seconds: number;
}

// A Meta POST holds at most 1,000 updates (well under 1 MB); DuckDB reserves twice this per reader thread.
const MAX_OBJECT_BYTES = 16 << 20;
// Staged payloads normalized and loaded per pass: bounds the intermediate tables of a large file.
const SLICE_RECORDS = 250_000;
const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Turns the opt-out keyword file into one anchored regular expression. */
export function optOutPattern(file = path.join(projectRoot(), "pricing-data/opt-out-keywords.txt")): string {
  const words = fs
    .readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim().toLowerCase())
    .filter((l) => l && !l.startsWith("#"))
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return `^(${words.join("|")})$`;
}

interface SideLine {
  fileId: number;
  lineNo: number;
  itemPrefix: string | null;
  text: string;
}

export async function ingestPaths(ledger: Ledger, inputs: string[], opts: IngestOptions = {}): Promise<IngestSummary> {
  const started = Date.now();
  const progress = opts.progress ?? silentProgress;
  const step = opts.onStep ?? (() => {});
  const { files, problems } = expandInputs(inputs);
  const summary: IngestSummary = {
    run_id: null,
    files: files.length,
    unchanged_files: 0,
    lines: 0,
    payloads: 0,
    events: noEvents(),
    duplicates: 0,
    quarantined: 0,
    problems,
    seconds: 0,
  };
  if (files.length === 0) {
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }

  // 1. Scan: fingerprints and line maps, in Node (one sequential read per file).
  const totalBytes = files.reduce((n, f) => n + fs.statSync(f).size, 0) || 1;
  let readBytes = 0;
  progress.phase("scanning", 0.12);
  const scanned: ScannedFile[] = [];
  for (const file of files) {
    try {
      scanned.push(
        await scanFile(file, (n) => {
          readBytes += n;
          progress.update(readBytes / totalBytes);
        }),
      );
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  const conn = await ledger.connect();
  const now = new Date().toISOString();
  const sideDir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-side-"));
  try {
    const known = new Set(
      (
        await rows(
          conn,
          `SELECT DISTINCT sha256 FROM source_files WHERE sha256 IN (${scanned.map((s) => sqlString(s.sha256)).join(",") || "''"})`,
        )
      ).map((r) => String(r.sha256)),
    );
    const fresh = scanned.filter((s) => !known.has(s.sha256));
    summary.unchanged_files = scanned.length - fresh.length;
    summary.lines = fresh.reduce((n, s) => n + s.lines, 0);
    if (fresh.length === 0) return summary;

    await conn.run("BEGIN TRANSACTION");
    step("begin");
    const runId = Number((await rows(conn, "SELECT coalesce(max(run_id), 0) + 1 AS id FROM ingest_runs"))[0]?.id);
    summary.run_id = runId;
    await conn.run(
      "INSERT INTO ingest_runs (run_id, started_at, source, is_demo) VALUES ($id, $now::TIMESTAMPTZ, $source, $demo)",
      { id: runId, now, source: opts.source ?? "cli", demo: opts.isDemo ?? false },
    );
    const firstFileId = Number(
      (await rows(conn, "SELECT coalesce(max(file_id), 0) + 1 AS id FROM source_files"))[0]?.id,
    );
    await conn.run(`
      CREATE OR REPLACE TEMP TABLE stage (file_id INTEGER, line_no BIGINT, item_prefix VARCHAR, object VARCHAR, entry ${TYPED_PAYLOAD_TYPE});
      CREATE OR REPLACE TEMP TABLE raw_stage (file_id INTEGER, line_no BIGINT, item_prefix VARCHAR, object VARCHAR, entry ${PAYLOAD_TYPE});
      CREATE OR REPLACE TEMP TABLE q_candidates (file_id INTEGER, line_no BIGINT, item VARCHAR, reason VARCHAR, raw VARCHAR);
      CREATE OR REPLACE TEMP TABLE run_files (file_id INTEGER, path VARCHAR);`);
    const fileIds = new Map<ScannedFile, number>();
    for (const [i, s] of fresh.entries()) fileIds.set(s, firstFileId + i);
    for (const s of fresh) {
      await conn.run("INSERT INTO run_files VALUES ($id, $path)", { id: fileIds.get(s) as number, path: s.path });
    }

    // 2. Parse with DuckDB. JSON Lines go straight in; .json files (one payload or an array) via a side file.
    progress.phase("parsing", 0.38);
    const side: SideLine[] = [];
    const jsonl = fresh.filter((s) => s.format === "jsonl");
    let doneBytes = 0;
    const jsonlBytes = jsonl.reduce((n, s) => n + s.sizeBytes, 0) || 1;
    for (const s of jsonl) {
      const fileId = fileIds.get(s) as number;
      const lineExpr = lineNumberSql(s);
      await withProgress(conn, progress, doneBytes / jsonlBytes, s.sizeBytes / jsonlBytes, () =>
        conn.run(`
          INSERT INTO stage
          SELECT ${fileId}, ${lineExpr}, NULL, s.object, s.entry
          FROM (SELECT row_number() OVER () AS rec, * FROM read_json(${sqlString(s.readPath)}, format = 'newline_delimited',
                ignore_errors = true, maximum_object_size = ${MAX_OBJECT_BYTES}, columns = ${TYPED_PAYLOAD_COLUMNS})) s`),
      );
      doneBytes += s.sizeBytes;
    }
    step("parsed");

    // Records DuckDB could not type (invalid JSON, a BOM, non-webhook JSON): decide in Node, line by line.
    const unreadable = await rows(conn, "SELECT file_id, line_no FROM stage WHERE entry IS NULL ORDER BY 1, 2");
    if (unreadable.length > 0) {
      await conn.run("DELETE FROM stage WHERE entry IS NULL");
      for (const s of jsonl) {
        const fileId = fileIds.get(s) as number;
        const wanted = unreadable.filter((r) => Number(r.file_id) === fileId).map((r) => Number(r.line_no));
        if (wanted.length === 0) continue;
        const texts = readLines(s, wanted);
        for (const lineNo of wanted) {
          const text = texts.get(lineNo) ?? "";
          const verdict = judgeLine(text, lineNo === s.lines && !s.endsWithNewline);
          if (verdict.ok) side.push({ fileId, lineNo, itemPrefix: null, text: verdict.text });
          else await quarantineLine(conn, fileId, lineNo, null, verdict.reason, text);
        }
      }
    }
    for (const s of fresh.filter((f) => f.format === "json")) {
      const fileId = fileIds.get(s) as number;
      const text = fs.readFileSync(s.readPath, "utf8").replace(/^\uFEFF/, "");
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        await quarantineLine(
          conn,
          fileId,
          null,
          null,
          `invalid JSON: ${(error as Error).message}`,
          text.slice(0, 1 << 20),
        );
        continue;
      }
      const items = Array.isArray(parsed) ? parsed : [parsed];
      for (const [i, item] of items.entries()) {
        const lineNo = Array.isArray(parsed) ? i + 1 : 1;
        const itemPrefix = Array.isArray(parsed) ? `[${i}]` : null;
        const text = JSON.stringify(item);
        const verdict = judgeLine(text, false);
        if (verdict.ok) side.push({ fileId, lineNo, itemPrefix, text });
        else await quarantineLine(conn, fileId, lineNo, itemPrefix, verdict.reason, text);
      }
    }
    if (side.length > 0) await stageSideLines(conn, sideDir, side);
    summary.payloads = Number((await rows(conn, "SELECT count(*) AS n FROM stage WHERE entry IS NOT NULL"))[0]?.n);
    const texts = new LineTexts(fresh, fileIds, side);
    await stageRawPath(conn, sideDir, texts);
    step("staged");

    // 3. Normalize and load, statuses and messages in slices of the stage so intermediate tables stay small
    // (fewer spills under the memory cap); all inside the run's one transaction.
    progress.phase("normalizing and loading", 0.5);
    const params = { now, hashKey: ledger.hashKey, optOutPattern: optOutPattern() };
    const slices = await stageSlices(conn);
    const events = noEvents();
    let candidates = 0;
    const add = (r: { events: Partial<Record<EventKind, number>>; candidates: number }) => {
      for (const [k, n] of Object.entries(r.events)) events[k as EventKind] += n;
      candidates += r.candidates;
    };
    await conn.run("CREATE OR REPLACE TEMP VIEW stage_slice AS SELECT * FROM stage WHERE false");
    for (const [i, where] of slices.entries()) {
      await conn.run(`CREATE OR REPLACE TEMP VIEW stage_slice AS SELECT * FROM stage WHERE ${where}`);
      await normalize(conn, params, "typed");
      add(await loadEvents(conn, runId, ["status", "message"]));
      progress.update(((i + 1) / slices.length) * 0.8);
    }
    await conn.run("DROP VIEW stage_slice; DROP TABLE stage");
    await normalize(conn, params, "raw");
    add(await loadEvents(conn, runId, ["quality", "template", "account", "preferences", "other"]));
    await fillQuarantineRaw(conn, texts);
    await conn.run(`
      CREATE TEMP TABLE q_final AS
      SELECT f.path, q.line_no, q.item, q.reason, coalesce(q.raw, '') AS raw
      FROM q_candidates q JOIN run_files f USING (file_id)`);
    step("normalized");
    summary.events = events;
    summary.duplicates = candidates - Object.values(events).reduce((a, b) => a + b, 0);
    summary.quarantined = await loadQuarantine(conn, runId, now);
    step("loaded");

    const app = await conn.createAppender("source_files");
    for (const s of fresh) {
      app.appendInteger(fileIds.get(s) as number);
      app.appendVarchar(s.path);
      app.appendBigInt(BigInt(s.sizeBytes));
      app.appendVarchar(s.sha256);
      app.appendBigInt(BigInt(s.lines));
      app.appendInteger(runId);
      app.appendVarchar(now);
      app.endRow();
    }
    app.closeSync();
    summary.seconds = (Date.now() - started) / 1000;
    const eventsTotal = Object.values(summary.events).reduce((a, b) => a + b, 0);
    await conn.run(
      `UPDATE ingest_runs SET finished_at = $finished::TIMESTAMPTZ, files = $files, unchanged_files = $unchanged, lines = $lines,
         payloads = $payloads, events = $events, duplicates = $dups, quarantined = $q, summary = $summary
       WHERE run_id = $id`,
      {
        id: runId,
        // now() is the transaction's start in DuckDB: the finish time comes from the clock.
        finished: new Date().toISOString(),
        files: summary.files,
        unchanged: summary.unchanged_files,
        lines: summary.lines,
        payloads: summary.payloads,
        events: eventsTotal,
        dups: summary.duplicates,
        q: summary.quarantined,
        summary: JSON.stringify(summary),
      },
    );
    step("before-commit");
    await conn.run("COMMIT");
    step("committed");
    progress.done();
    return summary;
  } catch (error) {
    try {
      await conn.run("ROLLBACK");
    } catch {
      // no transaction was open
    }
    throw error;
  } finally {
    summary.seconds = (Date.now() - started) / 1000;
    conn.closeSync();
    fs.rmSync(sideDir, { recursive: true, force: true });
    for (const s of scanned) s.cleanup();
  }
}

/**
 * DuckDB skips white-space-only lines, so record n is line n + (blank lines before it). Each run of blanks is one
 * step in a CASE on the record number (a join here would cost more than the parse).
 */
export function lineNumberSql(s: Pick<ScannedFile, "blankLines" | "lines">): string {
  const steps: Array<{ nb: number; cum: number }> = [];
  s.blankLines.forEach((line, i) => {
    const nb = line - (i + 1); // non-blank lines before this blank
    const next = s.blankLines[i + 1];
    if (next !== undefined && next - (i + 2) === nb) return; // not the last blank of its run
    if (nb >= s.lines - s.blankLines.length) return; // trailing blanks: no record after them
    steps.push({ nb, cum: i + 1 });
  });
  if (steps.length === 0) return "s.rec";
  const cases = steps
    .reverse()
    .map(({ nb, cum }) => `WHEN s.rec > ${nb} THEN ${cum}`)
    .join(" ");
  return `s.rec + CASE ${cases} ELSE 0 END`;
}

const noEvents = () => Object.fromEntries(EVENT_KINDS.map((k) => [k, 0])) as Record<EventKind, number>;

type Verdict = { ok: true; text: string } | { ok: false; reason: string };

/** Why a line DuckDB could not read is bad — or the repaired text when only a BOM or white space was in the way. */
export function judgeLine(raw: string, isLastLine: boolean): Verdict {
  const text = raw.replace(/^\uFEFF/, "").trim();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const hint = isLastLine ? " (the last line looks truncated: was the file still being written?)" : "";
    return { ok: false, reason: `invalid JSON: ${(error as Error).message}${hint}` };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { ok: false, reason: "not a webhook payload: the line is not a JSON object" };
  }
  const entry = (value as { entry?: unknown }).entry;
  if (!Array.isArray(entry)) {
    return { ok: false, reason: "not a webhook payload: no entry[] list" };
  }
  if (entry.some((e) => e === null || typeof e !== "object" || Array.isArray(e))) {
    return { ok: false, reason: "not a webhook payload: entry[] holds something other than objects" };
  }
  return { ok: true, text: JSON.stringify(value) };
}

async function quarantineLine(
  conn: DuckDBConnection,
  fileId: number,
  lineNo: number | null,
  item: string | null,
  reason: string,
  raw: string,
) {
  await conn.run("INSERT INTO q_candidates VALUES ($f, $l, $i, $r, $raw)", {
    f: fileId,
    l: lineNo,
    i: item,
    r: reason,
    raw,
  });
}

/** Parses repaired lines and .json items through the same DuckDB reader, keeping each one's file and line. */
async function stageSideLines(conn: DuckDBConnection, dir: string, side: SideLine[]) {
  const file = path.join(dir, "side.jsonl");
  fs.writeFileSync(file, `${side.map((s) => s.text.replace(/\n/g, " ")).join("\n")}\n`);
  await tempTable(
    conn,
    "side_map",
    "rec BIGINT, file_id BIGINT, line_no BIGINT, item_prefix VARCHAR, raw VARCHAR",
    side.map((l, i) => [i + 1, l.fileId, l.lineNo, l.itemPrefix, l.text]),
  );
  await conn.run(`
    CREATE OR REPLACE TEMP TABLE side_stage AS
    SELECT m.file_id, m.line_no, m.item_prefix, m.raw, s.object, s.entry
    FROM (SELECT row_number() OVER () AS rec, * FROM read_json(${sqlString(file)}, format = 'newline_delimited',
          ignore_errors = true, maximum_object_size = ${MAX_OBJECT_BYTES}, columns = ${TYPED_PAYLOAD_COLUMNS})) s
    JOIN side_map m USING (rec);
    INSERT INTO q_candidates
    SELECT file_id, line_no, item_prefix, 'payload has the webhook keys but values of unexpected types', raw
    FROM side_stage WHERE entry IS NULL;
    INSERT INTO stage SELECT file_id, line_no, item_prefix, object, entry FROM side_stage WHERE entry IS NOT NULL;`);
}

/** Raw text of staged records, by file, line and item: from the side lines in memory, or read back from the files. */
class LineTexts {
  private readonly sideByKey = new Map<string, string>();
  constructor(
    private readonly files: ScannedFile[],
    private readonly fileIds: Map<ScannedFile, number>,
    side: SideLine[],
  ) {
    for (const l of side) this.sideByKey.set(LineTexts.key(l.fileId, l.lineNo, l.itemPrefix), l.text);
  }

  static key(fileId: number, lineNo: number, itemPrefix: string | null) {
    return `${fileId}:${lineNo}:${itemPrefix ?? ""}`;
  }

  async get(
    wanted: Array<{ fileId: number; lineNo: number; itemPrefix: string | null }>,
  ): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const fromFiles = new Map<number, number[]>();
    for (const w of wanted) {
      const key = LineTexts.key(w.fileId, w.lineNo, w.itemPrefix);
      const side = this.sideByKey.get(key);
      if (side !== undefined) out.set(key, side);
      else fromFiles.set(w.fileId, [...(fromFiles.get(w.fileId) ?? []), w.lineNo]);
    }
    for (const s of this.files) {
      const fileId = this.fileIds.get(s) as number;
      const lines = fromFiles.get(fileId);
      if (!lines || s.format === "json") continue;
      for (const [lineNo, text] of readLines(s, lines)) out.set(LineTexts.key(fileId, lineNo, null), text);
    }
    return out;
  }
}

/**
 * Payloads with any change besides statuses and inbound messages are parsed a second time with each value kept as raw
 * JSON (raw_stage): those fields are few, and keeping their JSON whole is worth a second look at just those lines.
 */
async function stageRawPath(conn: DuckDBConnection, dir: string, texts: LineTexts) {
  const wanted = (
    await rows(
      conn,
      `SELECT file_id, line_no, item_prefix FROM stage
       WHERE list_bool_or(list_transform(entry, e -> list_bool_or(list_transform(e.changes,
         c -> c.field IS DISTINCT FROM 'messages' OR c.value IS NULL OR (c.value.statuses IS NULL AND c.value.messages IS NULL)))))`,
    )
  ).map((r) => ({
    fileId: Number(r.file_id),
    lineNo: Number(r.line_no),
    itemPrefix: r.item_prefix === null ? null : String(r.item_prefix),
  }));
  if (wanted.length === 0) return;
  const byKey = await texts.get(wanted);
  const file = path.join(dir, "raw.jsonl");
  fs.writeFileSync(
    file,
    `${wanted.map((w) => (byKey.get(LineTexts.key(w.fileId, w.lineNo, w.itemPrefix)) ?? "").replace(/^\uFEFF/, "").replace(/\n/g, " ")).join("\n")}\n`,
  );
  await tempTable(
    conn,
    "raw_map",
    "rec BIGINT, file_id BIGINT, line_no BIGINT, item_prefix VARCHAR",
    wanted.map((w, i) => [i + 1, w.fileId, w.lineNo, w.itemPrefix]),
  );
  await conn.run(`
    INSERT INTO raw_stage
    SELECT m.file_id, m.line_no, m.item_prefix, s.object, s.entry
    FROM (SELECT row_number() OVER () AS rec, * FROM read_json(${sqlString(file)}, format = 'newline_delimited',
          ignore_errors = true, maximum_object_size = ${MAX_OBJECT_BYTES}, columns = ${PAYLOAD_COLUMNS})) s
    JOIN raw_map m USING (rec)
    WHERE s.entry IS NOT NULL`);
}

/** Walks "entry[0].changes[1].value.statuses[3]" into a parsed payload. */
export function itemAt(payload: unknown, itemPath: string): unknown {
  let node: unknown = payload;
  for (const m of itemPath.matchAll(/\[(\d+)\]|([A-Za-z_][\w]*)/g)) {
    if (node === null || typeof node !== "object") return undefined;
    node = m[1] !== undefined ? (node as unknown[])[Number(m[1])] : (node as Record<string, unknown>)[m[2] as string];
  }
  return node;
}

/** Quarantine candidates found in SQL carry no text yet: the line's text, or just the bad item's JSON inside it. */
async function fillQuarantineRaw(conn: DuckDBConnection, texts: LineTexts) {
  const missing = await rows(
    conn,
    "SELECT DISTINCT file_id, line_no, item FROM q_candidates WHERE raw IS NULL AND line_no IS NOT NULL",
  );
  if (missing.length === 0) return;
  const wanted = missing.map((r) => {
    const item = r.item === null ? null : String(r.item);
    // Items of a .json array are staged under their "[i]" prefix; the rest of the path is inside that item.
    const prefix = item?.match(/^\[\d+\]/)?.[0] ?? null;
    return { fileId: Number(r.file_id), lineNo: Number(r.line_no), itemPrefix: prefix, item };
  });
  const byKey = await texts.get(wanted);
  for (const w of wanted) {
    const text = byKey.get(LineTexts.key(w.fileId, w.lineNo, w.itemPrefix)) ?? "";
    let raw = text;
    const inner = w.item && w.itemPrefix ? w.item.slice(w.itemPrefix.length).replace(/^\./, "") : w.item;
    if (inner) {
      try {
        const found = itemAt(JSON.parse(text.replace(/^\uFEFF/, "")), inner);
        if (found !== undefined) raw = JSON.stringify(found);
      } catch {
        // keep the whole line
      }
    }
    await conn.run(
      "UPDATE q_candidates SET raw = $raw WHERE file_id = $f AND line_no = $l AND item IS NOT DISTINCT FROM $i AND raw IS NULL",
      { raw, f: w.fileId, l: w.lineNo, i: w.item },
    );
  }
}

/**
 * Splits the stage into predicates of about SLICE_RECORDS records, in file and line order (so the first copy of a
 * duplicate is still the one kept): consecutive small files together, a large file by line ranges. Row ids cannot
 * be used: inside a transaction DuckDB numbers uncommitted rows from 2^55.
 */
async function stageSlices(conn: DuckDBConnection): Promise<string[]> {
  const files = await rows(
    conn,
    "SELECT file_id, count(*) AS n, max(line_no) AS last_line FROM stage GROUP BY file_id ORDER BY file_id",
  );
  const slices: string[] = [];
  let group: number[] = [];
  let groupRecords = 0;
  const flush = () => {
    if (group.length) slices.push(`file_id BETWEEN ${group[0]} AND ${group[group.length - 1]}`);
    group = [];
    groupRecords = 0;
  };
  for (const f of files) {
    const fileId = Number(f.file_id);
    const n = Number(f.n);
    if (n > SLICE_RECORDS) {
      flush();
      const last = Number(f.last_line);
      const step = Math.ceil(last / Math.ceil(n / SLICE_RECORDS));
      for (let from = 0; from < last; from += step) {
        slices.push(`file_id = ${fileId} AND line_no > ${from} AND line_no <= ${from + step}`);
      }
      continue;
    }
    if (groupRecords + n > SLICE_RECORDS) flush();
    group.push(fileId);
    groupRecords += n;
  }
  flush();
  return slices;
}

/** A temp table filled through the appender; columns are BIGINT or VARCHAR, matching number / string cells. */
async function tempTable(
  conn: DuckDBConnection,
  name: string,
  columns: string,
  data: Array<Array<string | number | null>>,
) {
  await conn.run(`CREATE OR REPLACE TEMP TABLE ${name} (${columns})`);
  const app = await conn.createAppender(name, "main", "temp");
  for (const row of data) {
    for (const v of row) {
      if (v === null) app.appendNull();
      else if (typeof v === "number") app.appendBigInt(BigInt(v));
      else app.appendVarchar(v);
    }
    app.endRow();
  }
  app.closeSync();
}

async function rows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
}

/** Runs a long statement while mirroring DuckDB's own progress estimate into the phase's bar. */
async function withProgress<T>(
  conn: DuckDBConnection,
  progress: Progress,
  from: number,
  span: number,
  work: () => Promise<T>,
): Promise<T> {
  const timer = setInterval(() => {
    const pct = conn.progress.percentage;
    if (pct >= 0) progress.update(from + (span * pct) / 100);
  }, 250);
  try {
    return await work();
  } finally {
    clearInterval(timer);
    progress.update(from + span);
  }
}
