// The ingest job end to end on real files and a real DuckDB file: idempotency, bad input, formats, privacy.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ingestPaths, judgeLine } from "../../ingest/pipeline";
import { countAll, EVENT_TABLES, FIXTURES, fixtureFiles, tempLedger, writeTemp } from "../helpers/ledger";

const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), "utf8"));
const line = (name: string) => JSON.stringify(fixture(name));

/** Reverses key order at every level: same meaning, different bytes (what a retry through another proxy looks like). */
function reorder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reorder);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reorder(v)]),
    );
  }
  return value;
}

let ctx: Awaited<ReturnType<typeof tempLedger>>;
beforeEach(async () => {
  ctx = await tempLedger();
});
afterEach(() => ctx.cleanup());

describe("idempotency", () => {
  it("loading the same file twice changes no count and skips the unchanged file", async () => {
    const file = writeTemp(
      ctx.dir,
      "a.jsonl",
      `${fixtureFiles()
        .map((f) => line(f))
        .join("\n")}\n`,
    );
    const first = await ingestPaths(ctx.ledger, [file]);
    const before = await countAll(ctx.ledger);
    const second = await ingestPaths(ctx.ledger, [file]);
    expect(second.unchanged_files).toBe(1);
    expect(second.run_id).toBeNull();
    expect(await countAll(ctx.ledger)).toEqual(before);
    expect(first.events.status).toBeGreaterThan(0);
  });

  it("overlapping files and retried payloads with reordered keys add nothing new", async () => {
    const names = fixtureFiles().filter((f) => f.startsWith("status_") || f.startsWith("messages_"));
    const half = Math.ceil(names.length / 2);
    const a = writeTemp(
      ctx.dir,
      "a.jsonl",
      names
        .slice(0, half + 3)
        .map((f) => line(f))
        .join("\n"),
    );
    const b = writeTemp(
      ctx.dir,
      "b.jsonl",
      names
        .slice(half)
        .map((f) => line(f))
        .join("\n"),
    );
    const c = writeTemp(ctx.dir, "c.jsonl", names.map((f) => JSON.stringify(reorder(fixture(f)))).join("\n"));
    await ingestPaths(ctx.ledger, [a]);
    const afterA = await countAll(ctx.ledger);
    const rb = await ingestPaths(ctx.ledger, [b]);
    expect(rb.duplicates).toBeGreaterThanOrEqual(3);
    const afterAB = await countAll(ctx.ledger);
    const rc = await ingestPaths(ctx.ledger, [c]);
    expect(Object.values(rc.events).reduce((x, y) => x + y, 0)).toBe(0);
    expect(rc.duplicates).toBeGreaterThan(0);
    expect(await countAll(ctx.ledger)).toEqual(afterAB);
    expect(afterAB.status_events).toBeGreaterThan(afterA.status_events ?? 0);
  });

  it("a payload repeated inside one file is loaded once", async () => {
    const l = line("status_sent_marketing_pmp_regular.json");
    const file = writeTemp(ctx.dir, "dup.jsonl", `${l}\n${l}\n${l}\n`);
    const s = await ingestPaths(ctx.ledger, [file]);
    expect(s.events.status).toBe(1);
    expect(s.duplicates).toBe(2);
    const rows = await ctx.ledger.all("SELECT line_no FROM status_events");
    expect(rows).toEqual([{ line_no: "1" }]);
  });
});

describe("bad input goes to quarantine with file, line and reason; good lines still load", () => {
  it("each kind of bad line", async () => {
    const good = line("status_sent_marketing_pmp_regular.json");
    const noId = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ changes: [{ field: "messages", value: { statuses: [] } }] }],
    });
    const statusNoId = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [{ field: "messages", value: { statuses: [{ status: "sent", timestamp: "1750030073" }] } }],
        },
      ],
    });
    const badTime = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [
            { field: "messages", value: { statuses: [{ id: "wamid.X", status: "sent", timestamp: "99999999999" }] } },
          ],
        },
      ],
    });
    const page = JSON.stringify({ object: "page", entry: [{ id: "1", changes: [] }] });
    const content = [
      good, // 1
      "{not json", // 2
      '{"hello":"world"}', // 3
      "[1,2,3]", // 4
      noId, // 5
      statusNoId, // 6
      badTime, // 7
      page, // 8
      '{"object":"whatsapp_business_account","entry":[{"id":"9"', // 9: truncated last line
    ].join("\n");
    const file = writeTemp(ctx.dir, "bad.jsonl", content);
    const s = await ingestPaths(ctx.ledger, [file]);
    expect(s.events.status).toBe(1);
    expect(s.quarantined).toBe(8);
    const q = await ctx.ledger.all<{ path: string; line_no: string; reason: string; raw: string }>(
      "SELECT path, line_no, reason, raw FROM quarantine ORDER BY line_no",
    );
    expect(q.map((r) => Number(r.line_no))).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    expect(q.every((r) => r.path === file)).toBe(true);
    expect(q[0]?.reason).toMatch(/^invalid JSON/);
    expect(q[0]?.raw).toBe("{not json");
    expect(q[1]?.reason).toMatch(/no entry\[\] list/);
    expect(q[2]?.reason).toMatch(/not a JSON object/);
    expect(q[3]?.reason).toMatch(/entry has no id/);
    expect(q[4]?.reason).toMatch(/status has no message id/);
    expect(q[4]?.raw).toContain('"status":"sent"');
    expect(q[5]?.reason).toMatch(/not a plausible Unix time/);
    expect(q[6]?.reason).toMatch(/object is "page"/);
    expect(q[7]?.reason).toMatch(/truncated/);
  });

  it("judgeLine explains each failure", () => {
    expect(judgeLine('\uFEFF{"entry":[]}', false)).toEqual({ ok: true, text: '{"entry":[]}' });
    expect(judgeLine("{", true)).toMatchObject({ ok: false, reason: expect.stringMatching(/truncated/) });
    expect(judgeLine('{"entry":[1]}', false)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/other than objects/),
    });
  });

  it("calls a bad last line truncated only when the file does not end with a line end", async () => {
    const cut = writeTemp(ctx.dir, "cut.jsonl", '{"object":"x"\n{"entry":[');
    const whole = writeTemp(ctx.dir, "whole.jsonl", '{"entry":[1,\n');
    await ingestPaths(ctx.ledger, [cut, whole]);
    const q = await ctx.ledger.all<{ path: string; reason: string }>(
      "SELECT path, reason FROM quarantine ORDER BY path",
    );
    expect(q.find((r) => r.path === cut && r.reason.includes("truncated"))).toBeDefined();
    expect(q.find((r) => r.path === whole)?.reason).not.toMatch(/truncated/);
  });

  it("quarantining the same bad line twice keeps one copy", async () => {
    const a = writeTemp(ctx.dir, "a.jsonl", "{oops\n");
    const b = writeTemp(ctx.dir, "b.jsonl", "{oops\n\n");
    await ingestPaths(ctx.ledger, [a]);
    const s = await ingestPaths(ctx.ledger, [b]);
    expect(s.quarantined).toBe(0);
    expect((await countAll(ctx.ledger)).quarantine).toBe(1);
  });
});

describe("formats", () => {
  it("BOM, CRLF, blank and white-space lines keep line numbers right", async () => {
    const good = line("status_sent_marketing_pmp_regular.json");
    const other = line("messages_inbound_text.json");
    const content = `\uFEFF${good}\r\n\r\n   \r\n${other}\r\n\n{broken\r\n${line("user_preferences_marketing_resume.json")}`;
    const file = writeTemp(ctx.dir, "win.jsonl", content);
    const s = await ingestPaths(ctx.ledger, [file]);
    expect(s.lines).toBe(7);
    expect(s.events).toMatchObject({ status: 1, message: 1, preferences: 1 });
    expect(await ctx.ledger.all("SELECT line_no FROM status_events")).toEqual([{ line_no: "1" }]);
    expect(await ctx.ledger.all("SELECT line_no FROM message_events")).toEqual([{ line_no: "4" }]);
    expect(await ctx.ledger.all("SELECT line_no FROM preference_events")).toEqual([{ line_no: "7" }]);
    expect(await ctx.ledger.all("SELECT line_no, raw FROM quarantine")).toEqual([{ line_no: "6", raw: "{broken" }]);
  });

  it("gzip, .ndjson, a JSON array and folders (recursively)", async () => {
    const names = [
      "status_sent_marketing_pmp_regular.json",
      "messages_inbound_image.json",
      "account_update_partner_removed.json",
    ];
    writeTemp(ctx.dir, "in/a.jsonl.gz", zlib.gzipSync(`${line(names[0] as string)}\n`));
    writeTemp(ctx.dir, "in/deeper/b.ndjson", `${line(names[1] as string)}\n`);
    writeTemp(ctx.dir, "in/deeper/c.json", JSON.stringify([fixture(names[2] as string), { nope: true }], null, 2));
    writeTemp(ctx.dir, "in/readme.txt", "not an input");
    const s = await ingestPaths(ctx.ledger, [path.join(ctx.dir, "in")]);
    expect(s.files).toBe(3);
    expect(s.events).toMatchObject({ status: 1, message: 1, account: 1 });
    const q = await ctx.ledger.all("SELECT line_no, item, reason, raw FROM quarantine");
    expect(q).toEqual([
      { line_no: "2", item: "[1]", reason: "not a webhook payload: no entry[] list", raw: '{"nope":true}' },
    ]);
  });
});

describe("privacy", () => {
  it("no full phone number and no message text reaches the event tables", async () => {
    await ingestPaths(ctx.ledger, [FIXTURES]);
    const secrets = new Set<string>();
    for (const name of fixtureFiles()) {
      const text = fs.readFileSync(path.join(FIXTURES, name), "utf8");
      for (const m of text.matchAll(/"(?:wa_id|recipient_id|from)"\s*:\s*"(\d{8,})"/g)) secrets.add(m[1] as string);
      for (const m of text.matchAll(/"body"\s*:\s*"([^"]{6,})"/g)) secrets.add(m[1] as string);
    }
    // The business's own numbers are not personal data and are kept on purpose.
    for (const name of fixtureFiles()) {
      const text = fs.readFileSync(path.join(FIXTURES, name), "utf8");
      for (const m of text.matchAll(/"display_phone_number"\s*:\s*"(\d+)"/g)) secrets.delete(m[1] as string);
    }
    expect(secrets.size).toBeGreaterThan(5);
    for (const table of EVENT_TABLES) {
      const dump = JSON.stringify(await ctx.ledger.all(`SELECT * FROM ${table}`));
      for (const s of secrets) expect(dump.includes(s), `${s} found in ${table}`).toBe(false);
    }
  });
});
