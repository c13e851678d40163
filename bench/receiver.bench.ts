// `npm run bench:receiver`: the webhook receiver under load on loopback, then under kill -9, against a real server
// process (`waba-ledger serve`). Checks that every payload answered 200 ends in the ledger, exactly once.
// Usage: npm run bench:receiver [-- --requests N --seconds S --connections C --mode all|load|crash --keep]
// Prints a markdown table to paste into docs/benchmarks.md.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { openLedger } from "../app/.server/db";
import { makePayloads, type SignedPayload, WEBHOOK_PATH } from "../test/helpers/webhooks";

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "30000" },
    seconds: { type: "string", default: "20" },
    connections: { type: "string", default: "50" },
    "crash-requests": { type: "string", default: "12000" },
    mode: { type: "string", default: "all" },
    keep: { type: "boolean", default: false },
  },
});
const REQUESTS = Number(values.requests);
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const CRASH_REQUESTS = Number(values["crash-requests"]);
const MODE = values.mode as "all" | "load" | "crash";
const SECRET = "bench-app-secret";
const ROOT = path.resolve(import.meta.dirname, "..");
const HOST = "127.0.0.1";
const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const n = (x: number) => Math.round(x).toLocaleString("en-US");

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-receiver-bench-"));

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, HOST, () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

interface Child {
  proc: ChildProcess;
  url: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `waba-ledger serve`; resolves once it listens and has printed its webhook line (its SIGTERM handler is set). */
async function startServer(dbPath: string, port: number, logName: string): Promise<Child> {
  const stateFile = `${dbPath}.server.json`;
  const out = fs.openSync(path.join(workDir, logName), "a");
  const env: NodeJS.ProcessEnv = { ...process.env, WHATSAPP_APP_SECRET: SECRET, WHATSAPP_VERIFY_TOKEN: "bench-verify" };
  delete env.LEDGER_TOKEN;
  const proc = spawn(
    process.execPath,
    [
      path.join(ROOT, "bin/waba-ledger.js"),
      "serve",
      "--db",
      dbPath,
      "--port",
      String(port),
      "--host",
      HOST,
      "--no-demo",
    ],
    { cwd: ROOT, env, stdio: ["ignore", out, out] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as { pid: number; url: string };
      const printed = fs.readFileSync(path.join(workDir, logName), "utf8");
      if (state.pid === proc.pid && printed.includes("Webhooks:")) {
        return { proc, url: state.url, exited };
      }
    } catch {
      // not there yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the server did not start; see ${path.join(workDir, logName)}`);
    }
    await sleep(50);
  }
}

/** SIGTERM: the server stops taking requests, ingests everything it logged, writes its counters and exits. */
async function stopServer(child: Child): Promise<number> {
  const started = performance.now();
  child.proc.kill("SIGTERM");
  const { code, signal } = await child.exited;
  if (code !== 0) throw new Error(`the server did not stop cleanly (exit ${code ?? signal}); see the logs in ${workDir}`);
  return performance.now() - started;
}

interface LoadResult {
  acked: Uint8Array;
  sent: number;
  ok: number;
  other: Record<string, number>;
  errors: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** autocannon, one payload per request in order; a 200 marks the payload acknowledged. */
async function autocannonLoad(url: string, payloads: SignedPayload[]): Promise<LoadResult> {
  const acked = new Uint8Array(payloads.length);
  const other: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const instance = autocannon({
    url: `${url}${WEBHOOK_PATH}`,
    connections: CONNECTIONS,
    amount: payloads.length,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (req, context) => {
          const i = next++ % payloads.length;
          const p = payloads[i] as SignedPayload;
          context.i = i;
          return {
            ...req,
            headers: { "content-type": "application/json", "x-hub-signature-256": p.signature },
            body: p.body,
          };
        },
        onResponse: (status, _body, context) => {
          if (status === 200) acked[context.i as number] = 1;
          else other[status] = (other[status] ?? 0) + 1;
        },
      },
    ],
  });
  const stopTimer = setTimeout(() => instance.stop(), SECONDS * 1000);
  const result = await instance;
  clearTimeout(stopTimer);
  const seconds = (performance.now() - started) / 1000;
  const ok = acked.reduce((a, b) => a + b, 0);
  return {
    acked,
    sent: result.requests.sent,
    ok,
    other,
    errors: result.errors + result.timeouts,
    seconds,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
  };
}

/**
 * A plain keep-alive client for the crash run: it must ride through a dead server (refused connections, resets)
 * and resume when it is back, which autocannon's tight reconnect loop does not do gracefully. Like Meta, it
 * redelivers whatever was not answered 200, so bodies stored but unacknowledged at the kill arrive twice.
 */
async function keepAliveLoad(
  url: string,
  payloads: SignedPayload[],
  opts: { seconds: number; acked: Uint8Array },
): Promise<Omit<LoadResult, "acked">> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  const { hostname, port } = new URL(url);
  const latencies: number[] = [];
  const other: Record<string, number> = {};
  const redeliver: number[] = [];
  let next = 0;
  let sent = 0;
  let errors = 0;
  const started = performance.now();
  const deadline = Date.now() + opts.seconds * 1000;
  const post = (p: SignedPayload) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          agent,
          host: hostname,
          port,
          path: WEBHOOK_PATH,
          method: "POST",
          headers: {
            "content-type": "application/json",
            "content-length": p.body.length,
            "x-hub-signature-256": p.signature,
          },
        },
        (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
          res.on("error", reject);
        },
      );
      req.setTimeout(10_000, () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end(p.body);
    });
  const worker = async () => {
    while ((next < payloads.length || redeliver.length > 0) && Date.now() < deadline) {
      const i = redeliver.shift() ?? next++;
      const t0 = performance.now();
      sent += 1;
      try {
        const status = await post(payloads[i] as SignedPayload);
        latencies.push(performance.now() - t0);
        if (status === 200) opts.acked[i] = 1;
        else {
          other[status] = (other[status] ?? 0) + 1;
          redeliver.push(i);
        }
      } catch {
        errors += 1;
        redeliver.push(i);
        await sleep(20); // the server is down or restarting
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    sent,
    ok: opts.acked.reduce((a, b) => a + b, 0),
    other,
    errors,
    seconds: (performance.now() - started) / 1000,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    maxMs: latencies.at(-1) ?? 0,
  };
}

interface Verification {
  ackedPayloads: number;
  ackedIds: number;
  missingIds: number;
  duplicatedIds: number;
  storedUnackedIds: number;
  distinctIdsStored: number;
  lagP50Ms: number | null;
  lagP95Ms: number | null;
  lagMaxMs: number | null;
  batches: number;
  receiverAccepted: number;
}

/** Opens the ledger (the server has exited) and looks for every acknowledged wamid: present, and exactly once. */
async function verify(
  dbPath: string,
  payloads: SignedPayload[],
  acked: Uint8Array,
  tag: string,
): Promise<Verification> {
  const csv = path.join(workDir, `${tag}-ids.csv`);
  const lines: string[] = [];
  payloads.forEach((p, i) => {
    for (const id of p.ids) lines.push(`${id},${acked[i] ? "true" : "false"}`);
  });
  fs.writeFileSync(csv, `${lines.join("\n")}\n`);
  const ledger = await openLedger(dbPath);
  try {
    const [row] = await ledger.all(
      `WITH expected AS (
         SELECT * FROM read_csv('${csv}', header = false, columns = {'id': 'VARCHAR', 'acked': 'BOOLEAN'})),
       stored AS (
         SELECT id, sum(n) AS n FROM (
           SELECT message_id AS id, count(*) AS n FROM status_events WHERE message_id LIKE 'wamid.${tag}.%' GROUP BY 1
           UNION ALL
           SELECT message_id, count(*) FROM message_events WHERE message_id LIKE 'wamid.${tag}.%' GROUP BY 1) GROUP BY id)
       SELECT count(*) FILTER (WHERE e.acked)                       AS acked_ids,
              count(*) FILTER (WHERE e.acked AND s.id IS NULL)      AS missing_ids,
              count(*) FILTER (WHERE s.n > 1)                       AS duplicated_ids,
              count(*) FILTER (WHERE NOT e.acked AND s.id IS NOT NULL) AS stored_unacked_ids,
              (SELECT count(*) FROM stored)                         AS distinct_ids_stored
         FROM expected e LEFT JOIN stored s USING (id)`,
    );
    const [lag] = await ledger.all(
      `SELECT quantile_disc(lag_ms, 0.5) AS p50, quantile_disc(lag_ms, 0.95) AS p95, max(lag_ms) AS max, count(*) AS batches,
              (SELECT sum(accepted) FROM receiver_stats) AS accepted
         FROM receiver_batches`,
    );
    const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
    return {
      ackedPayloads: acked.reduce((a, b) => a + b, 0),
      ackedIds: Number(row?.acked_ids),
      missingIds: Number(row?.missing_ids),
      duplicatedIds: Number(row?.duplicated_ids),
      storedUnackedIds: Number(row?.stored_unacked_ids),
      distinctIdsStored: Number(row?.distinct_ids_stored),
      lagP50Ms: num(lag?.p50),
      lagP95Ms: num(lag?.p95),
      lagMaxMs: num(lag?.max),
      batches: Number(lag?.batches),
      receiverAccepted: Number(lag?.accepted),
    };
  } finally {
    ledger.close();
  }
}

const rows: Array<[string, string, string, string]> = [];
let failed = false;
const check = (ok: boolean) => {
  if (!ok) failed = true;
  return ok ? "✓" : "✗";
};

async function loadRun() {
  log(`load: building ${n(REQUESTS)} signed payloads from the fixtures…`);
  const payloads = makePayloads(REQUESTS, { tag: "LOAD", secret: SECRET });
  const statuses = payloads.reduce((a, p) => a + p.ids.length, 0);
  const meanBytes = payloads.reduce((a, p) => a + p.body.length, 0) / payloads.length;
  // One folder per database: a webhook log folder belongs to every database file beside it.
  const dbPath = path.join(workDir, "load", "load.duckdb");
  fs.mkdirSync(path.dirname(dbPath));
  const server = await startServer(dbPath, await freePort(), "load-server.log");
  log(`load: server at ${server.url}; ${CONNECTIONS} connections, at most ${n(REQUESTS)} requests or ${SECONDS} s`);
  const r = await autocannonLoad(server.url, payloads);
  log(`load: ${n(r.ok)} acknowledged in ${r.seconds.toFixed(1)} s; draining…`);
  const drainMs = await stopServer(server);
  const v = await verify(dbPath, payloads, r.acked, "LOAD");
  const rate = r.ok / r.seconds;
  rows.push(
    ["load", "requests sent / answered 200", `${n(r.sent)} / ${n(r.ok)}`, ""],
    ["load", "payload mix", `${n(statuses)} wamids in ${n(REQUESTS)} bodies, mean ${n(meanBytes)} B`, ""],
    ["load", "other answers / socket errors", `${JSON.stringify(r.other)} / ${r.errors}`, "none"],
    ["load", "POST/s (200s ÷ wall time)", n(rate), `≥ 2,000 ${check(rate >= 2000)}`],
    [
      "load",
      "latency p50 / p99 / max",
      `${r.p50Ms} / ${r.p99Ms} / ${r.maxMs} ms`,
      `p99 ≤ 50 ms ${check(r.p99Ms <= 50)}`,
    ],
    [
      "load",
      "receipt → ingest lag p50 / p95 / max",
      `${v.lagP50Ms} / ${v.lagP95Ms} / ${v.lagMaxMs} ms (${v.batches} batches)`,
      "",
    ],
    ["load", "drain after the last request (SIGTERM → exit)", `${(drainMs / 1000).toFixed(1)} s`, ""],
    ["load", "acknowledged wamids missing from the ledger", n(v.missingIds), `0 ${check(v.missingIds === 0)}`],
    ["load", "wamids stored more than once", n(v.duplicatedIds), `0 ${check(v.duplicatedIds === 0)}`],
    ["load", "distinct wamids stored / acknowledged", `${n(v.distinctIdsStored)} / ${n(v.ackedIds)}`, ""],
    ["load", "receiver_stats accepted", n(v.receiverAccepted), `= 200s ${check(v.receiverAccepted === r.ok)}`],
  );
}

async function crashRun() {
  log(`crash: building ${n(CRASH_REQUESTS)} signed payloads…`);
  const payloads = makePayloads(CRASH_REQUESTS, { tag: "CRASH", secret: SECRET });
  const dbPath = path.join(workDir, "crash", "crash.duckdb");
  fs.mkdirSync(path.dirname(dbPath));
  const port = await freePort();
  const first = await startServer(dbPath, port, "crash-server-1.log");
  const acked = new Uint8Array(payloads.length);
  const load = keepAliveLoad(first.url, payloads, { seconds: 60, acked });
  const killAt = Math.floor(CRASH_REQUESTS * 0.4);
  while (acked.reduce((a, b) => a + b, 0) < killAt) await sleep(5);
  first.proc.kill("SIGKILL");
  const killedWith = await first.exited;
  const ackedAtKill = acked.reduce((a, b) => a + b, 0);
  log(`crash: kill -9 after ${n(ackedAtKill)} acknowledgements (${killedWith.signal}); restarting…`);
  const restartStarted = performance.now();
  const second = await startServer(dbPath, port, "crash-server-2.log");
  const restartMs = performance.now() - restartStarted;
  const r = await load;
  log(`crash: ${n(r.ok)} acknowledged in all; draining…`);
  const drainMs = await stopServer(second);
  const v = await verify(dbPath, payloads, acked, "CRASH");
  const restartLog = fs.readFileSync(path.join(workDir, "crash-server-2.log"), "utf8");
  const repaired = restartLog.match(/closed .*left open.*/g) ?? [];
  const unloaded = Number(/(\d+) segment\(s\) in .* not loaded yet/.exec(restartLog)?.[1] ?? 0);
  rows.push(
    ["kill -9", "payloads / acknowledged in the end", `${n(payloads.length)} / ${n(r.ok)}`, ""],
    ["kill -9", "acknowledged before the kill", n(ackedAtKill), ""],
    ["kill -9", "deliveries (with redeliveries) / failed while down", `${n(r.sent)} / ${n(r.errors)}`, ""],
    ["kill -9", "restart until listening", `${(restartMs / 1000).toFixed(1)} s`, ""],
    ["kill -9", "at restart: open segments repaired / segments not yet loaded", `${repaired.length} / ${unloaded}`, ""],
    ["kill -9", "drain after the last request", `${(drainMs / 1000).toFixed(1)} s`, ""],
    ["kill -9", "acknowledged wamids missing from the ledger", n(v.missingIds), `0 ${check(v.missingIds === 0)}`],
    ["kill -9", "wamids stored more than once", n(v.duplicatedIds), `0 ${check(v.duplicatedIds === 0)}`],
    ["kill -9", "acknowledged wamids / distinct stored", `${n(v.ackedIds)} / ${n(v.distinctIdsStored)}`, ""],
    ["kill -9", "stored although never acknowledged", n(v.storedUnackedIds), ""],
  );
}

try {
  if (MODE === "all" || MODE === "load") await loadRun();
  if (MODE === "all" || MODE === "crash") await crashRun();
} finally {
  if (!values.keep) fs.rmSync(workDir, { recursive: true, force: true });
  else log(`kept ${workDir}`);
}
console.log(
  `| run | measure | result | target |\n|---|---|---|---|\n${rows.map((r) => `| ${r.join(" | ")} |`).join("\n")}`,
);
console.log(
  `\n${new Date().toISOString()} · node ${process.version} · ${os.cpus().length} cores · ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB · ` +
    `${CONNECTIONS} connections, loopback`,
);
if (failed) process.exitCode = 1;
