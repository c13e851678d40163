// A real ingest process killed with SIGKILL mid-run leaves the database as before the run; a re-run completes it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedger } from "../../app/.server/db";
import { FIXTURES, tempLedger } from "../helpers/ledger";

const ROOT = path.resolve(__dirname, "../..");
const LINES = 120_000;

function runCli(args: string[], env: Record<string, string> = {}, killAfterMs?: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (resolve) => {
      const child = spawn(process.execPath, [path.join(ROOT, "bin/waba-ledger.js"), ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      child.on("close", (code, signal) => {
        if (timer) clearTimeout(timer);
        resolve({ code, signal, stdout, stderr });
      });
    },
  );
}

async function counts(dbPath: string) {
  const ledger = await openLedger(dbPath);
  try {
    const [row] = await ledger.all<{ statuses: string; runs: string; files: string }>(
      "SELECT (SELECT count(*) FROM status_events) AS statuses, (SELECT count(*) FROM ingest_runs) AS runs, (SELECT count(*) FROM source_files) AS files",
    );
    return { statuses: Number(row?.statuses), runs: Number(row?.runs), files: Number(row?.files) };
  } finally {
    ledger.close();
  }
}

describe("atomic ingest under kill -9", () => {
  let ctx: Awaited<ReturnType<typeof tempLedger>>;
  let big: string;
  beforeAll(async () => {
    ctx = await tempLedger();
    ctx.ledger.close();
    // Distinct statuses built from a real fixture: one line each, unique wamids.
    const template = JSON.parse(fs.readFileSync(path.join(FIXTURES, "status_sent_marketing_pmp_regular.json"), "utf8"));
    const status = template.entry[0].changes[0].value.statuses[0];
    const out: string[] = [];
    for (let i = 0; i < LINES; i++) {
      status.id = `wamid.ATOMIC${i}`;
      status.timestamp = String(1751328000 + i);
      out.push(JSON.stringify(template));
    }
    big = path.join(ctx.dir, "big.jsonl");
    fs.writeFileSync(big, `${out.join("\n")}\n`);
  });
  afterAll(() => ctx.cleanup());

  it("killed just before COMMIT: nothing of the run is visible, and a re-run loads everything once", async () => {
    const db = path.join(ctx.dir, "a.duckdb");
    const killed = await runCli(["ingest", big, "--db", db, "--json"], {
      WABA_LEDGER_FAULT: "kill-after:before-commit",
    });
    expect(killed.signal).toBe("SIGKILL");
    expect(await counts(db)).toEqual({ statuses: 0, runs: 0, files: 0 });
    const rerun = await runCli(["ingest", big, "--db", db, "--json"]);
    expect(rerun.code).toBe(0);
    expect(JSON.parse(rerun.stdout).events.status).toBe(LINES);
    expect(await counts(db)).toEqual({ statuses: LINES, runs: 1, files: 1 });
  });

  it("killed at arbitrary moments: all of the run or none of it, never part", async () => {
    const db = path.join(ctx.dir, "b.duckdb");
    for (const ms of [150, 600, 1200]) {
      const r = await runCli(["ingest", big, "--db", db], {}, ms);
      const c = await counts(db);
      expect([0, LINES]).toContain(c.statuses);
      expect(c.runs).toBe(c.statuses === 0 ? 0 : 1);
      if (r.signal !== "SIGKILL") expect(c.statuses).toBe(LINES);
    }
    const final = await runCli(["ingest", big, "--db", db, "--json"]);
    expect(final.code).toBe(0);
    expect((await counts(db)).statuses).toBe(LINES);
  });
});
