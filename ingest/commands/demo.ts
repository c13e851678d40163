// `waba-ledger demo`: writes deterministic demo traffic as webhook JSONL and ingests it through the real path;
// `--remove` deletes every demo row before real use.
import fs from "node:fs";
import path from "node:path";
import { EVENT_TABLES, type Ledger } from "../../app/.server/db";
import { DEMO_ACCOUNTS, writeDemoFile } from "../demo/generate";
import { type IngestSummary, ingestPaths } from "../pipeline";
import { type Progress, stderrProgress } from "../progress";

export async function runDemo(
  ledger: Ledger,
  args: { now?: Date; targetLines?: number } = {},
  progress?: Progress,
): Promise<IngestSummary & { demo_file: string }> {
  const dir = path.join(path.dirname(ledger.path === ":memory:" ? path.resolve("data/x") : ledger.path), "demo");
  fs.mkdirSync(dir, { recursive: true });
  const now = args.now ?? new Date();
  const file = path.join(dir, `demo-traffic-${now.toISOString().slice(0, 7)}.jsonl`);
  await writeDemoFile(file, { now, targetLines: args.targetLines });
  await ledger.run("BEGIN TRANSACTION");
  try {
    for (const a of DEMO_ACCOUNTS) {
      await ledger.run(
        `INSERT OR REPLACE INTO waba_accounts (waba_id, name, time_zone, currency, business_portfolio_id, primary_country, bsp, is_demo)
         VALUES ($id, $name, $tz, $cur, $bp, $pc, $bsp, true)`,
        {
          id: a.wabaId,
          name: a.name,
          tz: a.timeZone,
          cur: a.currency,
          bp: a.businessPortfolioId,
          pc: a.primaryCountry,
          bsp: a.bsp,
        },
      );
    }
    await ledger.run("COMMIT");
  } catch (error) {
    await ledger.run("ROLLBACK");
    throw error;
  }
  const summary = await ingestPaths(ledger, [file], {
    source: "demo",
    isDemo: true,
    progress: progress ?? stderrProgress("demo"),
  });
  return { ...summary, demo_file: file };
}

/** Deletes all rows that demo runs added, the demo WABAs' settings and the demo runs themselves, atomically. */
export async function removeDemo(ledger: Ledger): Promise<{ removed_rows: number }> {
  const conn = await ledger.connect();
  let removed = 0;
  try {
    await conn.run("BEGIN TRANSACTION");
    const demoRuns = "(SELECT run_id FROM ingest_runs WHERE is_demo)";
    await conn.run(
      `DELETE FROM status_errors WHERE event_key IN (SELECT event_key FROM status_events WHERE run_id IN ${demoRuns})`,
    );
    for (const table of [...EVENT_TABLES.filter((t) => t !== "status_errors"), "quarantine"]) {
      const reader = await conn.runAndReadAll(`DELETE FROM ${table} WHERE run_id IN ${demoRuns}`);
      removed += Number(reader.getRows()[0]?.[0] ?? 0);
    }
    await conn.run(`DELETE FROM source_files WHERE run_id IN ${demoRuns}`);
    await conn.run("DELETE FROM waba_accounts WHERE is_demo");
    await conn.run("DELETE FROM ingest_runs WHERE is_demo");
    await conn.run("COMMIT");
  } catch (error) {
    await conn.run("ROLLBACK");
    throw error;
  } finally {
    conn.closeSync();
  }
  return { removed_rows: removed };
}

export async function hasAnyEvents(ledger: Ledger): Promise<boolean> {
  const rows = await ledger.all(
    "SELECT (SELECT count(*) FROM ingest_runs) + (SELECT count(*) FROM waba_accounts) AS n",
  );
  return Number(rows[0]?.n ?? 0) > 0;
}
