// The home and Data route loaders against a real DuckDB file: what the views receive, formatted in each WABA's zone.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as dataLoader } from "../../../app/routes/data";
import { loader as homeLoader } from "../../../app/routes/_index";
import { tempLedger } from "../../helpers/ledger";
import { ACME, BERLIN, seedOverview, STRAY } from "../queries/overview-seed";

let db: Awaited<ReturnType<typeof tempLedger>>;
const previousDb = process.env.LEDGER_DB;

beforeAll(async () => {
  db = await tempLedger();
  await seedOverview(db.ledger);
  // A zone name the runtime does not know must not break the page.
  await db.ledger.run(`
    INSERT INTO waba_accounts (waba_id, name, time_zone, currency) VALUES ('999', 'Typo Zone', 'Mars/Olympus_Mons', 'USD');
    INSERT INTO message_events (event_key, run_id, waba_id, message_id, received_at, opens_service_window)
    VALUES (99, 1, '999', 'i9', TIMESTAMPTZ '2025-04-01 12:00:00+00', true);
  `);
  process.env.LEDGER_DB = db.dbPath;
});
afterAll(() => {
  if (previousDb === undefined) delete process.env.LEDGER_DB;
  else process.env.LEDGER_DB = previousDb;
  db?.cleanup();
});

describe("home loader", () => {
  it("shapes one display-ready row per WABA, times in the WABA's own zone", async () => {
    const { wabas, totals } = await homeLoader();
    expect(wabas.map((w) => w.wabaId)).toEqual([ACME, BERLIN, "999", STRAY]);

    const acme = wabas[0];
    // 2025-01-31T23:30Z is 20:30 in São Paulo (UTC−3); 2025-02-02T10:00Z is 07:00
    expect(acme).toMatchObject({
      label: "Acme Retail",
      named: true,
      timeZone: "America/Sao_Paulo",
      timeZoneAssumed: false,
      currency: "BRL",
      isDemo: true,
      eventCount: 11,
      firstEvent: "2025-01-31 20:30",
      lastEvent: "2025-02-02 07:00",
      deliveredCount: 3,
      readCount: 1,
      failedCount: 1,
      inboundCount: 2,
    });

    expect(wabas[1]).toMatchObject({
      label: "Berlin Bikes",
      firstEvent: "—",
      lastEvent: "—",
      eventCount: 0,
    });
    expect(wabas[2]).toMatchObject({
      label: "Typo Zone",
      timeZone: "UTC",
      timeZoneAssumed: true,
      timeZoneInvalid: true,
      firstEvent: "2025-04-01 12:00",
    });
    expect(wabas[3]).toMatchObject({
      label: STRAY,
      named: false,
      timeZone: "UTC",
      timeZoneAssumed: true,
      currencyAssumed: true,
      firstEvent: "2025-03-09 22:00",
      lastEvent: "2025-03-10 02:30",
    });

    // 11 + 0 + 1 + 3 events; delivered 3 + 1
    expect(totals).toEqual({
      wabaCount: 4,
      eventCount: 15,
      deliveredCount: 4,
      readCount: 1,
      failedCount: 1,
      inboundCount: 3,
    });
    expect(JSON.stringify({ wabas, totals })).not.toMatch(/bigint/i);
  });
});

describe("data loader", () => {
  it("shapes ingest runs and the quarantine", async () => {
    const data = await dataLoader();
    expect(data.totalRuns).toBe(1);
    expect(data.runs[0]).toMatchObject({
      runId: 1,
      started: "2025-02-03 08:00",
      durationLabel: "2.5 s",
      eventCount: 14,
    });
    expect(data.quarantine.totalRows).toBe(2);
    expect(data.quarantine.rows.map((q) => q.lineNo)).toEqual([9, 7]);
    expect(data.quarantine.rows[1]).toMatchObject({
      rawTruncated: true,
      quarantined: "2025-02-03 08:00",
    });
    expect(data.quarantine.rows[1]?.rawPreview).toHaveLength(200);
  });
});
