// Receiver counters: incremented in memory per request, written to receiver_stats / receiver_batches per micro-batch.
// Observability only: a crash may lose the last few seconds of counts, never a body (those are in the webhook log).
import type { Ledger } from "../db/index";

type Connection = Awaited<ReturnType<Ledger["connect"]>>;

export interface ReceiverCounts {
  accepted: number;
  acceptedBytes: number;
  malformed: number;
  rejectedSignature: number;
  oversized: number;
}

export interface BatchRecord {
  finishedAtMs: number;
  runId: number | null;
  segments: number;
  lines: number;
  firstReceivedAtMs: number;
  lastReceivedAtMs: number;
  recovered: boolean;
}

/** How many micro-batches receiver_batches keeps for the lag percentiles. */
export const KEPT_BATCHES = 1000;

const zero = (): ReceiverCounts => ({
  accepted: 0,
  acceptedBytes: 0,
  malformed: 0,
  rejectedSignature: 0,
  oversized: 0,
});

export class ReceiverStats {
  /** Counted since the last successful flush: the Data page adds these to the stored totals. */
  pending: ReceiverCounts = zero();
  /** The newest accepted body's receipt, whether flushed or not. */
  lastReceivedAtMs: number | null = null;
  private pendingLastReceivedAtMs: number | null = null;
  private nextBatchId: number | undefined;

  count(kind: Exclude<keyof ReceiverCounts, "acceptedBytes">, bytes = 0, receivedAtMs?: number) {
    this.pending[kind] += 1;
    if (kind === "accepted") {
      this.pending.acceptedBytes += bytes;
      if (receivedAtMs !== undefined) {
        this.lastReceivedAtMs = Math.max(this.lastReceivedAtMs ?? 0, receivedAtMs);
        this.pendingLastReceivedAtMs = Math.max(this.pendingLastReceivedAtMs ?? 0, receivedAtMs);
      }
    }
  }

  hasPending(): boolean {
    return Object.values(this.pending).some((n) => n > 0);
  }

  /** Writes pending counters (and a finished batch, if any) in one transaction; on failure they stay pending. */
  async flush(conn: Connection, batch?: BatchRecord): Promise<void> {
    const counts = this.pending;
    const lastMs = this.pendingLastReceivedAtMs;
    this.pending = zero();
    this.pendingLastReceivedAtMs = null;
    try {
      await conn.run("BEGIN TRANSACTION");
      if (Object.values(counts).some((n) => n > 0)) {
        await conn.run(
          `INSERT INTO receiver_stats AS s
             VALUES (date_trunc('hour', make_timestamptz($now_ms::BIGINT * 1000)), $accepted, $accepted_bytes, $malformed,
                     $rejected, $oversized, CASE WHEN $last_ms IS NULL THEN NULL ELSE make_timestamptz($last_ms::BIGINT * 1000) END)
           ON CONFLICT (hour_start) DO UPDATE SET
             accepted = s.accepted + EXCLUDED.accepted,
             accepted_bytes = s.accepted_bytes + EXCLUDED.accepted_bytes,
             malformed = s.malformed + EXCLUDED.malformed,
             rejected_signature = s.rejected_signature + EXCLUDED.rejected_signature,
             oversized = s.oversized + EXCLUDED.oversized,
             last_received_at = greatest(s.last_received_at, EXCLUDED.last_received_at)`,
          {
            now_ms: Date.now(),
            accepted: counts.accepted,
            accepted_bytes: counts.acceptedBytes,
            malformed: counts.malformed,
            rejected: counts.rejectedSignature,
            oversized: counts.oversized,
            last_ms: lastMs,
          },
        );
      }
      if (batch) {
        if (this.nextBatchId === undefined) {
          const reader = await conn.runAndReadAll("SELECT coalesce(max(batch_id), 0) + 1 AS id FROM receiver_batches");
          this.nextBatchId = Number(reader.getRowObjectsJson()[0]?.id ?? 1);
        }
        const batchId = this.nextBatchId;
        await conn.run(
          `INSERT INTO receiver_batches VALUES ($id, make_timestamptz($finished_ms::BIGINT * 1000), $run_id, $segments, $lines,
             make_timestamptz($first_ms::BIGINT * 1000), make_timestamptz($last_ms::BIGINT * 1000), $lag_ms::BIGINT, $recovered)`,
          {
            id: batchId,
            finished_ms: batch.finishedAtMs,
            run_id: batch.runId,
            segments: batch.segments,
            lines: batch.lines,
            first_ms: batch.firstReceivedAtMs,
            last_ms: batch.lastReceivedAtMs,
            lag_ms: Math.max(0, batch.finishedAtMs - batch.firstReceivedAtMs),
            recovered: batch.recovered,
          },
        );
        await conn.run("DELETE FROM receiver_batches WHERE batch_id <= $oldest", { oldest: batchId - KEPT_BATCHES });
      }
      await conn.run("COMMIT");
      if (batch) this.nextBatchId = (this.nextBatchId ?? 1) + 1;
    } catch (error) {
      await conn.run("ROLLBACK").catch(() => {});
      for (const k of Object.keys(counts) as Array<keyof ReceiverCounts>) this.pending[k] += counts[k];
      if (lastMs !== null) this.pendingLastReceivedAtMs = Math.max(this.pendingLastReceivedAtMs ?? 0, lastMs);
      throw error;
    }
  }
}
