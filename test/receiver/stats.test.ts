// Receiver counters in DuckDB: hourly upserts, batch rows with lag, pruning, and the health query that reads them back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { receiverHealth } from "../../app/.server/queries/receiver-health";
import { KEPT_BATCHES, ReceiverStats } from "../../app/.server/receiver/stats";
import { tempLedger } from "../helpers/ledger";

describe("receiver_stats and receiver_batches", () => {
  let db: Awaited<ReturnType<typeof tempLedger>>;
  beforeAll(async () => {
    db = await tempLedger();
  });
  afterAll(() => db?.cleanup());

  it("adds counters up per hour, keeps the latest batches, and reports lag percentiles", async () => {
    const conn = await db.ledger.connect();
    try {
      const stats = new ReceiverStats();
      // Only rejections: no receipt time, no batch.
      stats.count("rejectedSignature");
      stats.count("oversized");
      await stats.flush(conn);
      expect(stats.hasPending()).toBe(false);

      const t0 = Date.parse("2026-11-22T10:00:00Z");
      for (let i = 0; i < 3; i++) {
        stats.count("accepted", 100, t0 + i);
        if (i === 2) stats.count("malformed");
        await stats.flush(conn, {
          finishedAtMs: t0 + 1000 * (i + 1),
          runId: i === 1 ? null : i + 1, // a batch of segments already loaded has no run
          segments: 1,
          lines: 1,
          firstReceivedAtMs: t0 + i,
          lastReceivedAtMs: t0 + i,
          recovered: false,
        });
      }
      // 1000−0, 2000−1, 3000−2 ms
      const health = await receiverHealth(db.ledger, { nowMs: Date.now(), recentBatches: 10 });
      expect(health.state).toBe("absent");
      expect(health.allTime).toEqual({
        accepted: 3,
        acceptedBytes: 300,
        malformed: 1,
        rejectedSignature: 1,
        oversized: 1,
      });
      expect(health.batches).toBe(3);
      expect(health.lastLagMs).toBe(2998);
      expect(health.p50LagMs).toBe(1999);
      expect(health.p95LagMs).toBe(2998);
      expect(health.lastReceivedAt).toBe("2026-11-22T10:00:00.002Z");
      expect(health.lastBatchAt).toBe("2026-11-22T10:00:03.000Z");

      for (let i = 0; i < KEPT_BATCHES + 5; i++) {
        await stats.flush(conn, {
          finishedAtMs: t0 + 10_000 + i,
          runId: null,
          segments: 1,
          lines: 0,
          firstReceivedAtMs: t0,
          lastReceivedAtMs: t0,
          recovered: true,
        });
      }
      const [kept] = await db.ledger.all("SELECT count(*) AS n FROM receiver_batches");
      expect(Number(kept?.n)).toBe(KEPT_BATCHES);
    } finally {
      conn.closeSync();
    }
  });
});
