// kill -9 of a real `waba-ledger serve` process while it receives webhooks: after a restart, every payload that was
// answered 200 is in the ledger exactly once (the webhook log is the durable copy; ingest is idempotent).
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedger } from "../../app/.server/db";
import { tempLedger } from "../helpers/ledger";
import { makePayloads, postWebhook, type SignedPayload, serveProcess } from "../helpers/webhooks";

const ROOT = path.resolve(__dirname, "../..");
const SECRET = "crash-app-secret";
const serve = (dbPath: string, env: Record<string, string> = {}) =>
  serveProcess(dbPath, { WHATSAPP_APP_SECRET: SECRET, WEBHOOK_SEGMENT_MS: "100", ...env });

/** Posts payloads 10 at a time until told to stop; returns which were answered 200. */
function deliver(url: string, payloads: SignedPayload[], stop: { now: boolean }) {
  const acked = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (!stop.now && next < payloads.length) {
      const i = next++;
      const p = payloads[i] as SignedPayload;
      try {
        const r = await postWebhook(url, p.body, { header: p.signature });
        if (r.status === 200) acked.add(i);
      } catch {
        return; // the server is gone
      }
    }
  };
  return { acked, done: Promise.all(Array.from({ length: 10 }, worker)) };
}

async function storedCounts(dbPath: string, tag: string): Promise<Map<string, number>> {
  const ledger = await openLedger(dbPath);
  try {
    const rows = await ledger.all<{ id: string; n: string }>(
      `SELECT message_id AS id, count(*) AS n FROM status_events WHERE message_id LIKE 'wamid.${tag}.%' GROUP BY 1
       UNION ALL
       SELECT message_id, count(*) FROM message_events WHERE message_id LIKE 'wamid.${tag}.%' GROUP BY 1`,
    );
    return new Map(rows.map((r) => [r.id, Number(r.n)]));
  } finally {
    ledger.close();
  }
}

describe("receiver under kill -9", () => {
  let ctx: Awaited<ReturnType<typeof tempLedger>>;
  beforeAll(async () => {
    ctx = await tempLedger();
    ctx.ledger.close();
  });
  afterAll(() => ctx?.cleanup());

  it("killed mid-load: every acknowledged payload is there exactly once after a restart", async () => {
    const dbPath = path.join(ctx.dir, "a.duckdb");
    const payloads = makePayloads(1500, { tag: "KILL", secret: SECRET });
    const first = await serve(dbPath);
    const stop = { now: false };
    const run = deliver(first.url, payloads, stop);
    while (run.acked.size < 300) await new Promise((r) => setTimeout(r, 5));
    first.proc.kill("SIGKILL");
    expect(await first.exited).toBe("SIGKILL");
    stop.now = true;
    await run.done;
    const acked = [...run.acked];
    expect(acked.length).toBeGreaterThanOrEqual(300);

    // Restart: recovery ingests what the dead process logged; then a clean stop drains the rest.
    const second = await serve(dbPath);
    // Meta redelivers what got no 200; some of it may already be in the log.
    const unacked = payloads.map((_, i) => i).filter((i) => !run.acked.has(i));
    for (const i of unacked.slice(0, 50)) {
      const p = payloads[i] as SignedPayload;
      expect((await postWebhook(second.url, p.body, { header: p.signature })).status).toBe(200);
      acked.push(i);
    }
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const stored = await storedCounts(dbPath, "KILL");
    const ackedIds = acked.flatMap((i) => (payloads[i] as SignedPayload).ids);
    expect(ackedIds.filter((id) => !stored.has(id))).toEqual([]);
    expect([...stored.values()].filter((n) => n !== 1)).toEqual([]);
  });

  it("killed inside a micro-batch's ingest transaction: the batch is redone at restart", async () => {
    const dbPath = path.join(ctx.dir, "b.duckdb");
    const payloads = makePayloads(40, { tag: "TXN", secret: SECRET });
    // The receiver's first ingest kills its own process just before COMMIT.
    const first = await serve(dbPath, { WABA_LEDGER_FAULT: "kill-after:before-commit" });
    const answers = await Promise.allSettled(
      payloads.map((p) => postWebhook(first.url, p.body, { header: p.signature })),
    );
    expect(await first.exited).toBe("SIGKILL");
    expect(first.output()).not.toContain("Error");
    const acked = payloads.filter((_, i) => {
      const a = answers[i];
      return a?.status === "fulfilled" && a.value.status === 200;
    });
    expect(acked.length).toBeGreaterThan(0);
    expect(await storedCounts(dbPath, "TXN")).toEqual(new Map());

    const second = await serve(dbPath);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    const stored = await storedCounts(dbPath, "TXN");
    expect(acked.flatMap((p) => p.ids).filter((id) => stored.get(id) !== 1)).toEqual([]);
    expect([...stored.values()].every((n) => n === 1)).toBe(true);
  });
});

describe("`waba-ledger ingest` while the server receives", () => {
  let ctx: Awaited<ReturnType<typeof tempLedger>>;
  beforeAll(async () => {
    ctx = await tempLedger();
    ctx.ledger.close();
  });
  afterAll(() => ctx?.cleanup());

  it("hands the file to the server, which queues it with the micro-batches; nothing is lost or doubled", async () => {
    const dbPath = path.join(ctx.dir, "c.duckdb");
    const file = path.join(ctx.dir, "export.jsonl");
    const exported = makePayloads(2000, { tag: "CLIFILE", secret: SECRET });
    fs.writeFileSync(file, `${exported.map((p) => p.body.toString()).join("\n")}\n`);
    const posted = makePayloads(300, { tag: "CLIPOST", secret: SECRET });
    const server = await serve(dbPath);

    const cli = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [path.join(ROOT, "bin/waba-ledger.js"), "ingest", file, "--db", dbPath, "--json"],
        {
          cwd: ROOT,
          env: process.env,
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
    const stop = { now: false };
    const run = deliver(server.url, posted, stop);
    const handed = await cli;
    await run.done;
    expect(handed.code, handed.stderr).toBe(0);
    expect(handed.stderr).toContain("handing the work to it");
    const summary = JSON.parse(handed.stdout) as { events: { status: number; message: number } };
    expect(summary.events.status + summary.events.message).toBe(exported.flatMap((p) => p.ids).length);
    expect(run.acked.size).toBe(posted.length);

    server.proc.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    expect(server.output()).not.toMatch(/failed|Error/);
    const fromFile = await storedCounts(dbPath, "CLIFILE");
    const fromPosts = await storedCounts(dbPath, "CLIPOST");
    expect(fromFile.size).toBe(exported.flatMap((p) => p.ids).length);
    expect(fromPosts.size).toBe(posted.flatMap((p) => p.ids).length);
    expect([...fromFile.values(), ...fromPosts.values()].every((n) => n === 1)).toBe(true);
  });
});
