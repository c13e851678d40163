// Typed wrapper for receiver-health.sql: stored receiver counters and lag, plus the running receiver's unflushed counts.
import type { Ledger } from "../db/index";
import { liveReceiver } from "../receiver/live";
import { loadSql, msToIso, toNumber } from "./sql";

export interface ReceiverCountsView {
  accepted: number;
  malformed: number;
  rejectedSignature: number;
  oversized: number;
}

export interface ReceiverHealth {
  /** running: this process serves /webhooks/whatsapp; off: it runs without WHATSAPP_APP_SECRET (POSTs get 503);
   *  absent: no receiver in this process (the numbers are what an earlier server stored). */
  state: "running" | "off" | "absent";
  verifiable: boolean;
  allTime: ReceiverCountsView & { acceptedBytes: number };
  /** Since the start of the hour `windowHours` ago. */
  recent: ReceiverCountsView;
  windowHours: number;
  /** ISO-8601 UTC instants. */
  lastReceivedAt: string | null;
  lastBatchAt: string | null;
  lastLagMs: number | null;
  p50LagMs: number | null;
  p95LagMs: number | null;
  maxLagMs: number | null;
  batches: number;
  segmentsWaiting: number;
  ingesting: boolean;
  logDir: string | null;
  maxBodyBytes: number | null;
  lastError: string | null;
}

const nullableNumber = (v: unknown): number | null => (v === null || v === undefined ? null : toNumber(v));

export async function receiverHealth(
  ledger: Ledger,
  opts: { nowMs: number; recentBatches?: number; windowHours?: number },
): Promise<ReceiverHealth> {
  const windowHours = opts.windowHours ?? 24;
  const [row = {}] = await ledger.all(loadSql("receiver-health"), {
    since_ms: opts.nowMs - windowHours * 3_600_000,
    recent: opts.recentBatches ?? 200,
  });
  const live = liveReceiver(ledger.path)?.snapshot();
  const pending = live?.pending ?? { accepted: 0, malformed: 0, rejectedSignature: 0, oversized: 0 };
  const storedLastMs = nullableNumber(row.last_received_ms);
  const lastReceivedMs = Math.max(storedLastMs ?? 0, live?.lastReceivedAtMs ?? 0) || null;
  return {
    state: live ? (live.accepting ? "running" : "off") : "absent",
    verifiable: live?.verifiable ?? false,
    allTime: {
      accepted: toNumber(row.accepted) + pending.accepted,
      acceptedBytes: toNumber(row.accepted_bytes),
      malformed: toNumber(row.malformed) + pending.malformed,
      rejectedSignature: toNumber(row.rejected_signature) + pending.rejectedSignature,
      oversized: toNumber(row.oversized) + pending.oversized,
    },
    recent: {
      accepted: toNumber(row.recent_accepted) + pending.accepted,
      malformed: toNumber(row.recent_malformed) + pending.malformed,
      rejectedSignature: toNumber(row.recent_rejected_signature) + pending.rejectedSignature,
      oversized: toNumber(row.recent_oversized) + pending.oversized,
    },
    windowHours,
    lastReceivedAt: msToIso(lastReceivedMs),
    lastBatchAt: msToIso(row.last_batch_ms),
    lastLagMs: nullableNumber(row.last_lag_ms),
    p50LagMs: nullableNumber(row.p50_lag_ms),
    p95LagMs: nullableNumber(row.p95_lag_ms),
    maxLagMs: nullableNumber(row.max_lag_ms),
    batches: toNumber(row.batches),
    segmentsWaiting: live?.segmentsWaiting ?? 0,
    ingesting: live?.ingesting ?? false,
    logDir: live?.logDir ?? null,
    maxBodyBytes: live?.maxBodyBytes ?? null,
    lastError: live?.lastError ?? null,
  };
}
