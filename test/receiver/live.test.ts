// The receiver inside a running dashboard: not behind LEDGER_TOKEN, new data on the pages without a restart, receiver
// health on the Data page, and CLI hand-offs and micro-batches never ingesting at the same time.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../app/.server/serve";
import { ingestPaths } from "../../ingest/pipeline";
import { tempLedger } from "../helpers/ledger";
import { startLocalServer } from "../helpers/server";
import { fixtureBytes, makePayloads, postWebhook } from "../helpers/webhooks";

const TOKEN = "dashboard-token-1";
const SECRET = "live-app-secret";
const auth = { authorization: `Bearer ${TOKEN}` };

describe("receiver in a running dashboard", () => {
  let db: Awaited<ReturnType<typeof tempLedger>>;
  let server: RunningServer;
  // Every ingest, from either path, records when it ran: two must never overlap.
  const spans: Array<{ kind: "receiver" | "command"; startMs: number; endMs: number }> = [];
  let running = 0;
  let maxRunning = 0;
  async function tracked<T>(kind: "receiver" | "command", work: () => Promise<T>): Promise<T> {
    running += 1;
    maxRunning = Math.max(maxRunning, running);
    const startMs = performance.now();
    try {
      return await work();
    } finally {
      running -= 1;
      spans.push({ kind, startMs, endMs: performance.now() });
    }
  }

  beforeAll(async () => {
    db = await tempLedger();
    server = await startLocalServer({
      dbPath: db.dbPath,
      token: TOKEN,
      webhook: { appSecrets: [SECRET], verifyToken: "vt", segmentMaxAgeMs: 50 },
      ingest: (paths) => tracked("receiver", () => ingestPaths(db.ledger, paths, { source: "receiver" })),
      commands: async (name, args) => {
        if (name !== "ingest") throw Object.assign(new Error(`unknown command ${name}`), { status: 404 });
        const { paths } = args as { paths: string[] };
        return tracked("command", () => ingestPaths(db.ledger, paths, { source: "server" }));
      },
    });
  });
  afterAll(async () => {
    await server?.close();
    db?.cleanup();
  });

  it("takes Meta's POSTs and handshake without the dashboard token; everything else still needs it", async () => {
    const r = await postWebhook(server.url, fixtureBytes("status_sent_marketing_pmp_regular.json"), { secret: SECRET });
    expect(r.status).toBe(200);
    const verify = await fetch(
      `${server.url}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=vt&hub.challenge=42`,
    );
    expect(verify.status).toBe(200);
    expect((await fetch(`${server.url}/data`)).status).toBe(401);
    expect((await fetch(`${server.url}/api/receiver`)).status).toBe(401);
  });

  it("shows a WABA first seen through the receiver on the overview, without a restart", async () => {
    // The Gupshup-forwarded status comes from a WABA no other fixture uses.
    const body = fixtureBytes("bsp_gupshup_v3_status_sent_authentication_pmp.json");
    const wabaId = JSON.parse(body.toString()).entry[0].id as string;
    const before = await (await fetch(`${server.url}/`, { headers: auth })).text();
    expect(before).not.toContain(`data-waba-id="${wabaId}"`);
    expect((await postWebhook(server.url, body, { secret: SECRET })).status).toBe(200);
    await server.receiver.flush();
    const after = await (await fetch(`${server.url}/`, { headers: auth })).text();
    expect(after).toContain(`data-waba-id="${wabaId}"`);
  });

  it("shows receiver health on the Data page", async () => {
    await postWebhook(server.url, "{}", { header: "sha256=bad" }); // one rejected signature
    await postWebhook(server.url, "not json", { secret: SECRET }); // one malformed, kept
    await server.receiver.flush();
    const html = await (await fetch(`${server.url}/data`, { headers: auth })).text();
    const card = html.slice(html.indexOf('data-testid="receiver-health"'), html.indexOf('data-testid="runs-table"'));
    expect(card).toContain("Receiving at /webhooks/whatsapp");
    /** The big number of one tile, as text. */
    const tile = (id: string) => {
      const m = new RegExp(`data-testid="receiver-${id}".*?class="stat-value">(.*?)</div>`).exec(card);
      return (m?.[1] ?? "").replace(/<[^>]+>/g, "");
    };
    expect(tile("accepted")).toBe("3");
    expect(tile("rejected")).toBe("1");
    expect(tile("oversized")).toBe("0");
    expect(tile("malformed")).toBe("1");
    expect(tile("lag")).toMatch(/^\d+(\.\d)? (ms|s)$/);
    expect(tile("last")).toMatch(/^\d{2}:\d{2}:\d{2}$/);

    const health = (await (await fetch(`${server.url}/api/receiver`, { headers: auth })).json()) as {
      allTime: { accepted: number };
      batches: number;
      p95LagMs: number;
    };
    expect(health.allTime.accepted).toBe(3);
    expect(health.batches).toBeGreaterThanOrEqual(2);
    expect(health.p95LagMs).toBeGreaterThan(0);
  });

  it("queues a handed-over ingest and the receiver's micro-batches in one line: never two at once", async () => {
    // A file big enough that its ingest spans many micro-batch periods.
    const file = path.join(db.dir, "export.jsonl");
    const exported = makePayloads(3000, { tag: "FILE", secret: SECRET });
    fs.writeFileSync(file, `${exported.map((p) => p.body.toString()).join("\n")}\n`);
    const posted = makePayloads(300, { tag: "LIVE", secret: SECRET });
    spans.length = 0;
    maxRunning = 0;

    const command = fetch(`${server.url}/api/commands/ingest`, {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ paths: [file] }),
    });
    const answers: number[] = [];
    for (let i = 0; i < posted.length; i += 30) {
      const wave = posted.slice(i, i + 30);
      const rs = await Promise.all(wave.map((p) => postWebhook(server.url, p.body, { header: p.signature })));
      answers.push(...rs.map((r) => r.status));
      await new Promise((r) => setTimeout(r, 20));
    }
    const res = await command;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
    expect(answers.every((s) => s === 200)).toBe(true);
    await server.receiver.flush();

    expect(maxRunning).toBe(1);
    expect(spans.some((s) => s.kind === "command")).toBe(true);
    expect(spans.filter((s) => s.kind === "receiver").length).toBeGreaterThan(0);
    const sorted = [...spans].sort((a, b) => a.startMs - b.startMs);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]?.startMs).toBeGreaterThanOrEqual(sorted[i - 1]?.endMs ?? 0);
    }
    const stored = Number(
      (
        await db.ledger.all(
          "SELECT count(DISTINCT message_id) AS n FROM status_events WHERE message_id LIKE 'wamid.FILE.%' OR message_id LIKE 'wamid.LIVE.%'",
        )
      )[0]?.n,
    );
    const statusIds = [...exported, ...posted].flatMap((p) => p.ids.filter((id) => !id.endsWith(".m")));
    expect(stored).toBe(statusIds.length);
  });
});
