// Test helpers: a real DuckDB file in a temp folder, the shared fixtures, and table dumps for golden files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { EVENT_TABLES, type Ledger, openLedger } from "../../app/.server/db";

export { FIXTURES, fixtureFiles } from "./fixtures";

// A fixed key so recipient hashes in golden files are stable.
process.env.LEDGER_HASH_KEY ??= "test-hash-key-0123456789abcdef";

export async function tempLedger(): Promise<{ ledger: Ledger; dir: string; dbPath: string; cleanup(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-test-"));
  const dbPath = path.join(dir, "ledger.duckdb");
  const ledger = await openLedger(dbPath);
  return {
    ledger,
    dir,
    dbPath,
    cleanup: () => {
      ledger.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export { EVENT_TABLES };

/** Every row of every event table and the quarantine, minus run bookkeeping, in a stable order. */
export async function dumpEvents(ledger: Ledger): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of [...EVENT_TABLES, "quarantine"]) {
    const exclude =
      table === "status_errors" ? "" : `EXCLUDE (run_id${table === "quarantine" ? ", quarantined_at, path" : ""})`;
    const rows = await ledger.all(`SELECT * ${exclude} FROM ${table} ORDER BY ALL`);
    if (rows.length) out[table] = rows;
  }
  return out;
}

export async function countAll(ledger: Ledger): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const table of [...EVENT_TABLES, "quarantine"]) {
    out[table] = Number((await ledger.all(`SELECT count(*) AS n FROM ${table}`))[0]?.n);
  }
  return out;
}

export function writeTemp(dir: string, name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}
