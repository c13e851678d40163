// /webhooks/whatsapp over real HTTP against startServer on port 0, with a real DuckDB file: Meta's handshake,
// signature attacks (401, nothing stored), size limit, malformed bodies, replays, and every fixture landing in tables.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ledger } from "../../app/.server/db";
import { signBody } from "../../app/.server/receiver/signature";
import type { RunningServer } from "../../app/.server/serve";
import { ingestPaths } from "../../ingest/pipeline";
import { EVENT_TABLES, FIXTURES, fixtureFiles, tempLedger } from "../helpers/ledger";
import { startLocalServer } from "../helpers/server";
import { fixtureBytes, makePayloads, postWebhook, WEBHOOK_PATH } from "../helpers/webhooks";

const OLD_SECRET = "app-secret-2025";
const NEW_SECRET = "app-secret-2026";
const VERIFY_TOKEN = "verify-me-7f3a";
const MAX_BYTES = 64 * 1024;

/** Every line of every segment in the log (what was stored, whether ingested yet or not). */
function loggedLines(logDir: string): string[] {
  if (!fs.existsSync(logDir)) return [];
  return fs
    .readdirSync(logDir, { recursive: true })
    .map(String)
    .filter((f) => /\.jsonl(\.open)?$/.test(f))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(logDir, f), "utf8").split("\n").slice(0, -1));
}

async function count(ledger: Ledger, sql: string): Promise<number> {
  return Number((await ledger.all(sql))[0]?.n);
}

/** Rows of every event table without load bookkeeping (run, file, line), to compare two ledgers. */
async function eventRows(ledger: Ledger): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of EVENT_TABLES) {
    const exclude = table === "status_errors" ? "" : "EXCLUDE (run_id, file_id, line_no)";
    out[table] = await ledger.all(`SELECT * ${exclude} FROM ${table} ORDER BY ALL`);
  }
  out.quarantine = await ledger.all("SELECT item, reason FROM quarantine ORDER BY ALL");
  return out;
}

describe("webhook receiver over HTTP", () => {
  let db: Awaited<ReturnType<typeof tempLedger>>;
  let server: RunningServer;
  let logDir: string;
  const ingestedBatches: string[][] = [];

  beforeAll(async () => {
    db = await tempLedger();
    logDir = path.join(db.dir, "webhooks");
    server = await startLocalServer({
      dbPath: db.dbPath,
      webhook: {
        verifyToken: VERIFY_TOKEN,
        appSecrets: [NEW_SECRET, OLD_SECRET],
        maxBodyBytes: MAX_BYTES,
        segmentMaxAgeMs: 100,
      },
      ingest: (paths) => {
        ingestedBatches.push(paths);
        return ingestPaths(db.ledger, paths, { source: "receiver" });
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    db?.cleanup();
  });

  describe("verification handshake (GET)", () => {
    const verifyUrl = (params: Record<string, string>) =>
      `${server.url}${WEBHOOK_PATH}?${new URLSearchParams(params).toString()}`;

    it("echoes hub.challenge as text/plain when the verify token matches", async () => {
      const res = await fetch(
        verifyUrl({ "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444" }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await res.text()).toBe("1158201444");
    });

    it("answers 403 to a wrong token, a wrong mode or a missing challenge", async () => {
      const refused: Array<Record<string, string>> = [
        { "hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1" },
        { "hub.mode": "subscribe", "hub.verify_token": `${VERIFY_TOKEN}x`, "hub.challenge": "1" },
        { "hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1" },
        { "hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN },
        {},
      ];
      for (const params of refused) {
        const res = await fetch(verifyUrl(params));
        expect(res.status, JSON.stringify(params)).toBe(403);
      }
    });
  });

  describe("signature attacks", () => {
    const body = fixtureBytes("status_delivered_service_cbp.json");

    it("refuses each forgery with 401 and stores nothing of it", async () => {
      const linesBefore = loggedLines(logDir).length;
      const good = signBody(body, NEW_SECRET);
      const changedByte = Buffer.from(body);
      changedByte[changedByte.indexOf("delivered")] = "D".charCodeAt(0);
      const attacks: Array<[string, Buffer, string | undefined]> = [
        ["missing header", body, undefined],
        ["sha1= prefix", body, good.replace("sha256=", "sha1=")],
        ["no prefix", body, good.slice("sha256=".length)],
        ["too short", body, good.slice(0, -1)],
        ["too long", body, `${good}0`],
        ["not hex", body, `sha256=${"z".repeat(64)}`],
        ["one changed byte in the body", changedByte, good],
        ["wrong secret", body, signBody(body, "not-the-app-secret")],
        ["another body's signature", body, signBody(fixtureBytes("status_read_service_cbp.json"), NEW_SECRET)],
      ];
      for (const [name, bytes, header] of attacks) {
        const r = await postWebhook(server.url, bytes, { header });
        expect(r.status, name).toBe(401);
        expect(r.text, name).toMatch(/^401: /);
      }
      await server.receiver.flush();
      expect(loggedLines(logDir)).toHaveLength(linesBefore);
      expect(await count(db.ledger, "SELECT count(*) AS n FROM status_events")).toBe(0);
      expect(server.receiver.snapshot().pending.rejectedSignature + (await storedRejected())).toBe(attacks.length);
    });

    async function storedRejected() {
      return count(db.ledger, "SELECT coalesce(sum(rejected_signature), 0) AS n FROM receiver_stats");
    }

    it("accepts a body signed with the old secret during rotation", async () => {
      const a = fixtureBytes("status_sent_marketing_pmp_regular.json");
      const b = fixtureBytes("status_read_service_cbp.json");
      expect((await postWebhook(server.url, a, { secret: OLD_SECRET })).status).toBe(200);
      expect((await postWebhook(server.url, b, { secret: NEW_SECRET })).status).toBe(200);
    });

    it("treats a replay of a signed body as the retry it is: 200 again, no duplicate rows", async () => {
      const [p] = makePayloads(1, { tag: "REPLAY", secret: NEW_SECRET });
      if (!p) throw new Error("no payload");
      const rows = () =>
        count(db.ledger, "SELECT count(*) AS n FROM status_events WHERE message_id LIKE 'wamid.REPLAY.%'");
      expect((await postWebhook(server.url, p.body, { header: p.signature })).status).toBe(200);
      await server.receiver.flush();
      const once = await rows();
      expect(once).toBe(p.ids.length);
      for (let i = 0; i < 3; i++) {
        expect((await postWebhook(server.url, p.body, { header: p.signature })).status).toBe(200);
      }
      await server.receiver.flush();
      expect(await rows()).toBe(once);
    });
  });

  describe("size limit", () => {
    it("answers 413 to a body over WEBHOOK_MAX_BYTES and stores none of it", async () => {
      const linesBefore = loggedLines(logDir).length;
      const big = Buffer.alloc(MAX_BYTES + 1, 0x20);
      const r = await postWebhook(server.url, big, { secret: NEW_SECRET });
      expect(r.status).toBe(413);
      expect(r.text).toContain("WEBHOOK_MAX_BYTES");
      expect(loggedLines(logDir)).toHaveLength(linesBefore);
    });

    it("stops reading a chunked body (no Content-Length) once it passes the limit", async () => {
      const url = new URL(`${server.url}${WEBHOOK_PATH}`);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: url.pathname,
            method: "POST",
            headers: { "x-hub-signature-256": "sha256=00" },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on("error", reject);
        const chunk = Buffer.alloc(16 * 1024, 0x20);
        // Four times the limit, in chunks, with no declared length.
        let sent = 0;
        const write = () => {
          while (sent < 4 * MAX_BYTES) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once("drain", write);
          }
          req.end();
        };
        write();
      });
      expect(status).toBe(413);
    });

    it("accepts a body at exactly the limit", async () => {
      const base = Buffer.from(
        JSON.stringify(JSON.parse(fixtureBytes("status_failed_131026_real_redacted.json").toString())),
      );
      const padded = Buffer.concat([
        base.subarray(0, -1),
        Buffer.alloc(MAX_BYTES - base.length, 0x20),
        Buffer.from("}"),
      ]);
      expect(padded.length).toBe(MAX_BYTES);
      expect((await postWebhook(server.url, padded, { secret: NEW_SECRET })).status).toBe(200);
    });
  });

  describe("what a signed body gets", () => {
    it("answers a signed non-JSON body 200, and the ingest quarantines it with its segment file and line", async () => {
      const junk = `this is not JSON ${Date.now()}`;
      const r = await postWebhook(server.url, junk, { secret: NEW_SECRET });
      expect(r.status).toBe(200);
      await server.receiver.flush();
      const [q] = await db.ledger.all<{ path: string; line_no: string; reason: string; raw: string }>(
        "SELECT path, line_no, reason, raw FROM quarantine WHERE raw = $raw",
        { raw: junk },
      );
      expect(q?.reason).toMatch(/invalid JSON/);
      expect(q?.path.startsWith(`${logDir}${path.sep}`)).toBe(true);
      expect(q?.path).toMatch(/\.jsonl$/);
      // The named line of the named segment holds exactly those bytes.
      const lines = fs.readFileSync(q?.path ?? "", "utf8").split("\n");
      expect(lines[Number(q?.line_no) - 1]).toBe(junk);
      expect(server.receiver.snapshot().pending.malformed + (await stored("malformed"))).toBeGreaterThanOrEqual(1);
    });

    it("answers a signed JSON body that is not a webhook 200 and quarantines it too", async () => {
      const r = await postWebhook(server.url, '{"hello":"world"}', { secret: NEW_SECRET });
      expect(r.status).toBe(200);
      await server.receiver.flush();
      expect(
        await count(
          db.ledger,
          `SELECT count(*) AS n FROM quarantine WHERE raw = '{"hello":"world"}' AND reason LIKE 'not a webhook%'`,
        ),
      ).toBe(1);
    });

    it("answers a signed empty body 400: there is nothing to keep", async () => {
      expect((await postWebhook(server.url, "", { secret: NEW_SECRET })).status).toBe(400);
    });

    async function stored(column: "malformed") {
      return count(db.ledger, `SELECT coalesce(sum(${column}), 0) AS n FROM receiver_stats`);
    }
  });

  it("loads every fixture POSTed signed into the same rows as ingesting the files directly", async () => {
    const names = fixtureFiles();
    expect(names).toHaveLength(46);
    const fresh = await tempLedger();
    const reference = await tempLedger();
    const own = await startLocalServer({
      dbPath: fresh.dbPath,
      webhook: { appSecrets: [NEW_SECRET], segmentMaxAgeMs: 100 },
      ingest: (paths) => ingestPaths(fresh.ledger, paths, { source: "receiver" }),
    });
    try {
      const timesMs: number[] = [];
      for (const name of names) {
        // The files' own bytes, pretty-printed over many lines: the log keeps each on one line.
        const r = await postWebhook(own.url, fixtureBytes(name), { secret: NEW_SECRET });
        expect(r.status, name).toBe(200);
        timesMs.push(r.ms);
      }
      expect(Math.max(...timesMs)).toBeLessThan(500);
      await own.receiver.flush();
      await ingestPaths(
        reference.ledger,
        names.map((n) => path.join(FIXTURES, n)),
        { source: "test" },
      );
      const got = await eventRows(fresh.ledger);
      expect(got).toEqual(await eventRows(reference.ledger));
      for (const table of EVENT_TABLES.filter((t) => t !== "status_errors" && t !== "other_events")) {
        expect(got[table]?.length, table).toBeGreaterThan(0);
      }
      // Every body was logged once, as one line.
      expect(loggedLines(path.join(fresh.dir, "webhooks"))).toHaveLength(names.length);
    } finally {
      await own.close();
      fresh.cleanup();
      reference.cleanup();
    }
  });

  it("acknowledges 400 concurrent batched POSTs and loads every status in them", async () => {
    const payloads = makePayloads(400, { tag: "CONC", secret: NEW_SECRET });
    const results = await Promise.all(payloads.map((p) => postWebhook(server.url, p.body, { header: p.signature })));
    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    await server.receiver.flush();
    const ids = payloads.flatMap((p) => p.ids);
    const stored = await count(
      db.ledger,
      `SELECT (SELECT count(DISTINCT message_id) FROM status_events WHERE message_id LIKE 'wamid.CONC.%')
            + (SELECT count(DISTINCT message_id) FROM message_events WHERE message_id LIKE 'wamid.CONC.%') AS n`,
    );
    expect(stored).toBe(ids.length);
    // Micro-batches, not one ingest per POST.
    expect(ingestedBatches.length).toBeLessThan(results.length / 4);
  });

  it("answers other methods 405", async () => {
    const res = await fetch(`${server.url}${WEBHOOK_PATH}`, { method: "PUT", body: "{}" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, POST");
  });
});

describe("webhook receiver without configuration", () => {
  let db: Awaited<ReturnType<typeof tempLedger>>;
  let server: RunningServer;
  beforeAll(async () => {
    db = await tempLedger();
    server = await startLocalServer({
      dbPath: db.dbPath,
      webhook: { appSecrets: [], verifyToken: undefined },
    });
  });
  afterAll(async () => {
    await server?.close();
    db?.cleanup();
  });

  it("refuses verification (403) when no verify token is set", async () => {
    const res = await fetch(`${server.url}${WEBHOOK_PATH}?hub.mode=subscribe&hub.verify_token=&hub.challenge=1`);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("WHATSAPP_VERIFY_TOKEN");
  });

  it("answers POSTs 503 with the reason instead of taking unsigned bodies", async () => {
    const r = await postWebhook(server.url, fixtureBytes("status_read_service_cbp.json"), { header: undefined });
    expect(r.status).toBe(503);
    expect(r.text).toContain("WHATSAPP_APP_SECRET");
    expect(fs.existsSync(path.join(db.dir, "webhooks"))).toBe(false);
  });
});
