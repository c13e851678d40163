// `npm run bench`: ingest throughput on 1,000,000 webhook lines of the demo's mix, against DuckDB's parse floor.
// Usage: npm run bench [-- --lines N] ; prints a markdown table to paste into docs/benchmarks.md.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { DuckDBInstance } from "@duckdb/node-api";
import { openLedger } from "../app/.server/db";
import { writeDemoFile } from "../ingest/demo/generate";
import { ingestPaths } from "../ingest/pipeline";

const { values } = parseArgs({ options: { lines: { type: "string", default: "1000000" }, keep: { type: "boolean" } } });
const lines = Number(values.lines);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-bench-"));
const file = path.join(dir, "traffic.jsonl");
const log = (s: string) => process.stderr.write(`${s}\n`);

log(`generating ${lines.toLocaleString("en-US")} lines of demo traffic…`);
let t = performance.now();
const gen = await writeDemoFile(file, { now: new Date("2026-11-22T12:00:00Z"), targetLines: lines });
const genSeconds = (performance.now() - t) / 1000;
log(`  ${gen.lines.toLocaleString("en-US")} lines, ${(gen.bytes / 1e6).toFixed(0)} MB in ${genSeconds.toFixed(1)} s`);

// Floor: DuckDB merely parsing the same file into a temporary table (auto-detected schema, no normalization).
async function floorSeconds(): Promise<number> {
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  const start = performance.now();
  await conn.run(
    `CREATE TEMP TABLE f AS SELECT * FROM read_json('${file}', format = 'newline_delimited', ignore_errors = true, maximum_object_size = 268435456)`,
  );
  const s = (performance.now() - start) / 1000;
  conn.closeSync();
  instance.closeSync();
  return s;
}
const floor1 = await floorSeconds();
const floor2 = await floorSeconds();
const floor = Math.min(floor1, floor2);
log(`floor (read_json into a temp table): ${floor.toFixed(2)} s`);

const ledger = await openLedger(path.join(dir, "bench.duckdb"));
t = performance.now();
const first = await ingestPaths(ledger, [file], { source: "test" });
const firstSeconds = (performance.now() - t) / 1000;
const events = Object.values(first.events).reduce((a, b) => a + b, 0);
log(`first ingest: ${firstSeconds.toFixed(2)} s`);
t = performance.now();
const again = await ingestPaths(ledger, [file], { source: "test" });
const againSeconds = (performance.now() - t) / 1000;
log(`re-ingest of the unchanged file: ${againSeconds.toFixed(2)} s (unchanged files: ${again.unchanged_files})`);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const [dbSize] = await ledger.all<{ used_blocks: string; block_size: string }>(
  "SELECT used_blocks, block_size FROM pragma_database_size()",
);
const usedMb = (Number(dbSize?.used_blocks) * Number(dbSize?.block_size)) / 1e6;
ledger.close();
const dbMb = fs.statSync(path.join(dir, "bench.duckdb")).size / 1e6;
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });

const rows: Array<[string, string, string]> = [
  ["lines", gen.lines.toLocaleString("en-US"), ""],
  ["file size", `${(gen.bytes / 1e6).toFixed(0)} MB`, ""],
  ["events added", events.toLocaleString("en-US"), ""],
  ["duplicates skipped / quarantined", `${first.duplicates.toLocaleString("en-US")} / ${first.quarantined}`, ""],
  ["first ingest", `${firstSeconds.toFixed(2)} s`, ""],
  ["ingest lines/s", Math.round(gen.lines / firstSeconds).toLocaleString("en-US"), "≥ 150,000"],
  ["ingest events/s", Math.round(events / firstSeconds).toLocaleString("en-US"), ""],
  ["floor: DuckDB read_json into a temp table", `${floor.toFixed(2)} s`, ""],
  ["floor / ingest", (floor / firstSeconds).toFixed(2), "≥ 0.5"],
  ["peak RSS (whole process)", `${peakRssMb.toFixed(0)} MB`, "≤ 1,500 MB"],
  ["re-ingest of the unchanged file", `${againSeconds.toFixed(2)} s`, ""],
  ["first / re-ingest", `${(firstSeconds / againSeconds).toFixed(1)}×`, "≥ 10×"],
  ["database file (blocks in use)", `${dbMb.toFixed(0)} MB (${usedMb.toFixed(0)} MB)`, ""],
];
console.log(`| measure | result | target |\n|---|---|---|\n${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}`);
console.log(`\n${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} cores · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`);
