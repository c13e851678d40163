// The webhook log on its own: group commit, segment rotation, crash recovery of a torn segment; and the signature check.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseAppSecrets, signBody, verifySignature } from "../../app/.server/receiver/signature";
import { recoverLog, type Segment, toLogLine, WebhookLog } from "../../app/.server/receiver/webhook-log";

const segmentLines = (file: string) => fs.readFileSync(file, "utf8").split("\n").slice(0, -1);

describe("webhook log", () => {
  let dir: string;
  let closed: Segment[];
  let log: WebhookLog | undefined;
  const open = (overrides: Partial<{ segmentMaxAgeMs: number; segmentMaxBytes: number }> = {}) => {
    log = new WebhookLog({
      dir,
      segmentMaxAgeMs: 60_000,
      segmentMaxBytes: 8 << 20,
      onSegmentClosed: (s) => closed.push(s),
      onError: (e) => {
        throw e;
      },
      ...overrides,
    });
    return log;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-ledger-log-"));
    closed = [];
  });
  afterEach(async () => {
    await log?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes concurrent appends, one line each, and closes the segment as .jsonl", async () => {
    const w = open();
    const bodies = Array.from({ length: 500 }, (_, i) => `{"n":${i}}`);
    await Promise.all(bodies.map((b, i) => w.append(Buffer.from(b), 1_700_000_000_000 + i)));
    expect(closed).toEqual([]);
    await w.rotate();
    expect(closed).toHaveLength(1);
    const seg = closed[0] as Segment;
    expect(path.relative(dir, seg.path)).toMatch(/^\d{4}-\d{2}-\d{2}[/\\]\d{6}\.\d{3}Z-\d{6}\.jsonl$/);
    expect(seg.lines).toBe(500);
    expect(seg.firstReceivedAtMs).toBe(1_700_000_000_000);
    expect(seg.lastReceivedAtMs).toBe(1_700_000_000_499);
    // Group commit keeps arrival order within the file.
    expect(segmentLines(seg.path)).toEqual(bodies);
    expect(seg.bytes).toBe(fs.statSync(seg.path).size);
  });

  it("blanks CR and LF (JSON white space) and keeps every other byte", () => {
    const raw = Buffer.from('{\r\n  "a": "x\\ny",\n  "b": [1,\n2]\n}');
    expect(toLogLine(Buffer.from(raw)).toString()).toBe('{    "a": "x\\ny",   "b": [1, 2] }');
    expect(toLogLine(Buffer.from(raw)).length).toBe(raw.length);
  });

  it("rotates by size and by age", async () => {
    const w = open({ segmentMaxBytes: 100, segmentMaxAgeMs: 60_000 });
    for (let i = 0; i < 6; i++) await w.append(Buffer.from(`{"pad":"${"x".repeat(40)}"}`), Date.now());
    // 51 bytes a line: every second append passes 100 bytes, and the segment closes right after that write.
    await new Promise((r) => setTimeout(r, 50));
    expect(closed.map((s) => s.lines)).toEqual([2, 2, 2]);
    await w.close();

    closed = [];
    const aged = open({ segmentMaxAgeMs: 60 });
    await aged.append(Buffer.from("{}"), Date.now());
    await new Promise((r) => setTimeout(r, 250));
    expect(closed).toHaveLength(1);
  });

  it("refuses appends after close and leaves no open segment behind", async () => {
    const w = open();
    await w.append(Buffer.from("{}"), Date.now());
    await w.close();
    await expect(w.append(Buffer.from("{}"), Date.now())).rejects.toThrow(/closed/);
    const all = fs.readdirSync(dir, { recursive: true }).map(String);
    expect(all.filter((f) => f.endsWith(".open"))).toEqual([]);
    expect(closed).toHaveLength(1);
  });

  it("recovery closes a segment a crash left open and cuts only its torn, unacknowledged tail", () => {
    const day = path.join(dir, "2026-11-22");
    fs.mkdirSync(day, { recursive: true });
    const open1 = path.join(day, "120000.000Z-000001.jsonl.open");
    fs.writeFileSync(open1, '{"a":1}\n{"b":2}\n{"c":'); // the last line was being written at the kill
    const empty = path.join(day, "120001.000Z-000002.jsonl.open");
    fs.writeFileSync(empty, "");
    fs.writeFileSync(path.join(day, "115959.500Z-000009.jsonl"), '{"z":0}\n');
    const r = recoverLog(dir);
    expect(r.repaired).toEqual([
      { path: open1.replace(/\.open$/, ""), droppedBytes: 5 },
      { path: empty.replace(/\.open$/, ""), droppedBytes: 0 },
    ]);
    expect(fs.existsSync(empty)).toBe(false);
    expect(r.segments.map((s) => path.basename(s.path))).toEqual([
      "115959.500Z-000009.jsonl",
      "120000.000Z-000001.jsonl",
    ]);
    expect(segmentLines(open1.replace(/\.open$/, ""))).toEqual(['{"a":1}', '{"b":2}']);
    expect(r.segments[1]?.firstReceivedAtMs).toBe(Date.parse("2026-11-22T12:00:00.000Z"));
    expect(r.segments.every((s) => s.recovered)).toBe(true);
  });
});

describe("signature check", () => {
  const body = Buffer.from('{"object":"whatsapp_business_account","entry":[]}');
  it("accepts the HMAC of the exact bytes under any configured secret", () => {
    expect(verifySignature(body, signBody(body, "a"), ["a"])).toBe("ok");
    expect(verifySignature(body, signBody(body, "b"), ["a", "b"])).toBe("ok");
    expect(verifySignature(body, signBody(body, "a").toUpperCase().replace("SHA256=", "sha256="), ["a"])).toBe("ok");
  });
  it("tells missing, malformed and wrong apart", () => {
    expect(verifySignature(body, undefined, ["a"])).toBe("missing");
    expect(verifySignature(body, "", ["a"])).toBe("missing");
    expect(verifySignature(body, signBody(body, "a").replace("sha256=", "sha1="), ["a"])).toBe("malformed");
    expect(verifySignature(body, signBody(body, "a").slice(0, -2), ["a"])).toBe("malformed");
    expect(verifySignature(body, `${signBody(body, "a")}00`, ["a"])).toBe("malformed");
    expect(verifySignature(body, signBody(body, "c"), ["a", "b"])).toBe("mismatch");
    expect(verifySignature(Buffer.concat([body, Buffer.from(" ")]), signBody(body, "a"), ["a"])).toBe("mismatch");
  });
  it("reads rotation lists from WHATSAPP_APP_SECRET", () => {
    expect(parseAppSecrets(" new-secret , old-secret,")).toEqual(["new-secret", "old-secret"]);
    expect(parseAppSecrets(undefined)).toEqual([]);
  });
});
