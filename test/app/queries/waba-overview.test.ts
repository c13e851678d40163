// The overview query against a real DuckDB file: counts, first/last event, and assumed zone/currency flags.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WabaOverviewRow } from "../../../app/.server/queries/waba-overview";
import { wabaOverview } from "../../../app/.server/queries/waba-overview";
import { ingestRuns } from "../../../app/.server/queries/ingest-runs";
import { quarantineList } from "../../../app/.server/queries/quarantine-list";
import { demoStatus } from "../../../app/.server/queries/demo-status";
import { tempLedger } from "../../helpers/ledger";
import { ACME, BERLIN, seedOverview, STRAY } from "./overview-seed";

let db: Awaited<ReturnType<typeof tempLedger>>;
let rows: WabaOverviewRow[];
const byId = (id: string) => {
  const row = rows.find((r) => r.wabaId === id);
  if (!row) throw new Error(`no overview row for ${id}`);
  return row;
};

beforeAll(async () => {
  db = await tempLedger();
  await seedOverview(db.ledger);
  rows = await wabaOverview(db.ledger);
});
afterAll(() => db?.cleanup());

describe("wabaOverview", () => {
  it("lists known WABAs first by name, then WABAs only seen in events", () => {
    expect(rows.map((r) => r.wabaId)).toEqual([ACME, BERLIN, STRAY]);
  });

  it("counts events across every event table and distinct messages per status", () => {
    // 7 status + 2 inbound + 1 quality + 1 template = 11
    expect(byId(ACME)).toMatchObject({
      name: "Acme Retail",
      timeZone: "America/Sao_Paulo",
      timeZoneAssumed: false,
      currency: "BRL",
      currencyAssumed: false,
      isDemo: true,
      eventCount: 11,
      deliveredCount: 3, // m1, m2 (twice), m4
      readCount: 1,
      failedCount: 1,
      inboundCount: 2,
    });
  });

  it("spans first to last event as UTC instants, ignoring events without a time", () => {
    expect(byId(ACME).firstEventAt).toBe("2025-01-31T23:30:00.000Z");
    expect(byId(ACME).lastEventAt).toBe("2025-02-02T10:00:00.000Z");
  });

  it("flags UTC and USD as assumed for a WABA missing from waba_accounts, and skips events without a WABA", () => {
    // 1 status + 1 preference + 1 other; the WABA-less system error (2020) is nobody's
    expect(byId(STRAY)).toMatchObject({
      name: null,
      timeZone: "UTC",
      timeZoneAssumed: true,
      currency: "USD",
      currencyAssumed: true,
      isDemo: false,
      eventCount: 3,
      deliveredCount: 1,
      firstEventAt: "2025-03-09T22:00:00.000Z",
      lastEventAt: "2025-03-10T02:30:00.000Z",
    });
  });

  it("keeps a configured WABA with no events, with zeros and no span", () => {
    expect(byId(BERLIN)).toMatchObject({
      timeZone: "Europe/Berlin",
      timeZoneAssumed: false,
      eventCount: 0,
      firstEventAt: null,
      lastEventAt: null,
      deliveredCount: 0,
      inboundCount: 0,
    });
  });

  it("returns plain numbers and strings only (no bigint reaches a view)", () => {
    for (const row of rows) for (const value of Object.values(row)) expect(typeof value).not.toBe("bigint");
    expect(typeof byId(ACME).eventCount).toBe("number");
  });
});

describe("Data page queries", () => {
  it("lists ingest runs with their counts", async () => {
    const { runs, totalRuns } = await ingestRuns(db.ledger, { limit: 10 });
    expect(totalRuns).toBe(1);
    expect(runs[0]).toMatchObject({
      runId: 1,
      source: "test",
      startedAt: "2025-02-03T08:00:00.000Z",
      finishedAt: "2025-02-03T08:00:02.500Z",
      fileCount: 2,
      lineCount: 14,
      eventCount: 14,
      duplicateCount: 1,
      quarantinedCount: 2,
    });
  });

  it("lists the quarantine newest first with a 200-character preview and counts", async () => {
    const q = await quarantineList(db.ledger, { limit: 1, previewChars: 200 });
    expect(q.totalRows).toBe(2); // counted over the whole quarantine, not the 1 returned
    expect(q.rows).toHaveLength(1);
    expect(q.rows[0]).toMatchObject({
      lineNo: 9,
      reason: "status without timestamp",
      rawChars: 37,
    });
    const all = await quarantineList(db.ledger);
    const bad = all.rows.find((r) => r.lineNo === 7);
    expect(bad?.rawPreview).toHaveLength(200);
    expect(bad?.rawChars).toBe(338); // 38 characters of JSON + 300 × "x"
    expect(all.reasons).toEqual(
      expect.arrayContaining([
        { reason: "not valid JSON", count: 1 },
        { reason: "status without timestamp", count: 1 },
      ]),
    );
  });

  it("reports demo data present", async () => {
    expect(await demoStatus(db.ledger)).toEqual({ demoWabaCount: 1 });
  });
});
