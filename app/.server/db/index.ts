// The DuckDB layer: the only module that imports @duckdb/node-api. Opens the ledger file, runs migrations,
// and hands out connections. One process holds the file for writing (design decision 5).
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type DuckDBConnection, DuckDBInstance, DuckDBTimestampTZValue, type DuckDBValue } from "@duckdb/node-api";
import { buildPhonePrefixes } from "./phone-prefixes";

// The client formats TIMESTAMPTZ with the process's offset, frozen at load: every instant we hand out is UTC.
DuckDBTimestampTZValue.timezoneOffsetInMinutes = 0;

/** Tables of ingested events (status_errors hangs off status_events by event_key; it has no run_id). */
export const EVENT_TABLES = [
  "status_events",
  "status_errors",
  "message_events",
  "quality_events",
  "template_events",
  "account_events",
  "preference_events",
  "other_events",
] as const;

export type SqlParams = Record<string, DuckDBValue> | DuckDBValue[];
export type Row = Record<string, unknown>;

/** Thrown when another process holds the database file. */
export class LedgerLockedError extends Error {
  constructor(
    readonly dbPath: string,
    readonly pid: number | undefined,
  ) {
    super(
      `the database ${dbPath} is in use by another process${pid ? ` (PID ${pid})` : ""}. ` +
        "Stop that process, or run this command while `waba-ledger serve` runs so it hands the work over.",
    );
  }
}

export interface Ledger {
  readonly path: string;
  readonly hashKey: string;
  /** A fresh connection: use one per long-running job so it can hold its own transaction. */
  connect(): Promise<DuckDBConnection>;
  /** Rows as JSON-safe objects: BIGINT/DECIMAL/HUGEINT as strings, timestamps as ISO-like strings. */
  all<T extends Row = Row>(sql: string, params?: SqlParams): Promise<T[]>;
  run(sql: string, params?: SqlParams): Promise<void>;
  close(): void;
}

/** Walks up from this module to the folder holding waba-ledger's package.json (works from source and from the build). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = path.join(dir, "package.json");
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, "utf8")).name === "waba-ledger") return dir;
      } catch {
        // not ours; keep walking
      }
    }
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}

const MIGRATIONS_DIR = () => path.join(projectRoot(), "app/.server/db/migrations");

// Both the CLI (tsx) and the Remix build load this module; share open ledgers through globalThis so the
// process holds one DuckDB instance per file whatever copy of the module asks.
const registry: Map<string, Promise<Ledger>> = ((globalThis as Record<string, unknown>).__wabaLedgerDbs ??=
  new Map()) as Map<string, Promise<Ledger>>;

export function openLedger(dbPath: string): Promise<Ledger> {
  const key = dbPath === ":memory:" ? `:memory:${crypto.randomUUID()}` : path.resolve(dbPath);
  let ledger = registry.get(key);
  if (!ledger) {
    ledger = createLedger(dbPath === ":memory:" ? ":memory:" : key, () => registry.delete(key)).catch((error) => {
      registry.delete(key);
      throw error;
    });
    registry.set(key, ledger);
  }
  return ledger;
}

async function createLedger(file: string, forget: () => void): Promise<Ledger> {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(file);
  } catch (error) {
    const message = String((error as Error).message ?? error);
    if (/Could not set lock|Conflicting lock/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new LedgerLockedError(file, pid ? Number(pid) : undefined);
    }
    if (/not a valid DuckDB database|Unable to open|IO Error/i.test(message)) {
      throw new Error(
        `cannot open the database ${file}: ${message.split("\n")[0]}. Check the path, or point --db elsewhere.`,
      );
    }
    throw error;
  }
  const main = await instance.connect();
  // Instants are stored and shown UTC unless a query converts to a WABA's zone explicitly.
  await main.run("SET GLOBAL TimeZone = 'UTC'; SET TimeZone = 'UTC'");
  // Bounded memory: a 1M-line ingest peaks near 2.5 GB unbounded; with this DuckDB spills to <db>.tmp instead.
  await main.run(`SET memory_limit = '${memoryLimit()}'`);
  const hashKey = loadHashKey(file);
  let closed = false;
  const ledger: Ledger = {
    path: file,
    hashKey,
    async connect() {
      const conn = await instance.connect();
      await conn.run("SET TimeZone = 'UTC'");
      return conn;
    },
    async all<T extends Row>(sql: string, params?: SqlParams) {
      const reader = await main.runAndReadAll(sql, params as Record<string, DuckDBValue>);
      return reader.getRowObjectsJson() as unknown as T[];
    },
    async run(sql: string, params?: SqlParams) {
      await main.run(sql, params as Record<string, DuckDBValue>);
    },
    close() {
      if (closed) return;
      closed = true;
      main.closeSync();
      instance.closeSync();
      forget();
    },
  };
  await migrate(main);
  await ensurePhonePrefixes(main);
  return ledger;
}

/** LEDGER_MEMORY_LIMIT (DuckDB syntax: 800MB, 2GB …), default 800MB. */
export function memoryLimit(value = process.env.LEDGER_MEMORY_LIMIT): string {
  if (!value) return "800MB";
  if (!/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(value.trim())) {
    throw new Error(`LEDGER_MEMORY_LIMIT "${value}" is not a size like 800MB or 2GB. Fix or unset it and retry.`);
  }
  return value.trim();
}

/** The keyed-hash secret: LEDGER_HASH_KEY, else a key file beside the database, created on first use. */
function loadHashKey(file: string): string {
  if (process.env.LEDGER_HASH_KEY) return process.env.LEDGER_HASH_KEY;
  if (file === ":memory:") return "in-memory-ledger-key";
  const keyFile = `${file}.key`;
  if (!fs.existsSync(keyFile)) {
    fs.writeFileSync(keyFile, crypto.randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  }
  return fs.readFileSync(keyFile, "utf8").trim();
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir = MIGRATIONS_DIR()): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort()
    .map((f) => ({
      version: Number(f.slice(0, 3)),
      name: f.slice(4, -4),
      sql: fs.readFileSync(path.join(dir, f), "utf8"),
    }));
}

/** Applies pending migrations in order, each in its own transaction, recording the schema version. */
export async function migrate(conn: DuckDBConnection): Promise<number> {
  await conn.run(
    "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)",
  );
  const done = new Set(
    (await (await conn.runAndReadAll("SELECT version FROM schema_migrations")).getRowObjectsJson()).map((r) =>
      Number(r.version),
    ),
  );
  let version = Math.max(0, ...done);
  for (const m of listMigrations()) {
    if (done.has(m.version)) continue;
    await conn.run("BEGIN TRANSACTION");
    try {
      await conn.run(m.sql);
      await conn.run("INSERT INTO schema_migrations VALUES ($v, $n, now())", { v: m.version, n: m.name });
      await conn.run("COMMIT");
    } catch (error) {
      await conn.run("ROLLBACK");
      throw new Error(`migration ${m.version} (${m.name}) failed: ${(error as Error).message}`);
    }
    version = m.version;
  }
  return version;
}

async function ensurePhonePrefixes(conn: DuckDBConnection): Promise<void> {
  const reader = await conn.runAndReadAll("SELECT count(*)::INTEGER AS n FROM phone_prefixes");
  if (Number(reader.getRowObjectsJson()[0]?.n) > 0) return;
  const rows = buildPhonePrefixes();
  const appender = await conn.createAppender("phone_prefixes");
  for (const [prefix, iso2] of rows) {
    appender.appendVarchar(prefix);
    appender.appendVarchar(iso2);
    appender.endRow();
  }
  appender.closeSync();
}
