// Typed wrapper for ingest-runs.sql: recent ingest runs with their counts, as plain values.
import type { Ledger } from "../db/index";
import { loadSql, msToIso, toNumber } from "./sql";

export interface IngestRunRow {
  runId: number;
  /** ISO-8601 UTC instants. */
  startedAt: string | null;
  finishedAt: string | null;
  source: string;
  isDemo: boolean;
  fileCount: number;
  unchangedFileCount: number;
  lineCount: number;
  payloadCount: number;
  eventCount: number;
  duplicateCount: number;
  quarantinedCount: number;
}

export interface IngestRuns {
  runs: IngestRunRow[];
  /** Every run in the ledger, not only the ones returned. */
  totalRuns: number;
}

export async function ingestRuns(ledger: Ledger, opts: { limit?: number } = {}): Promise<IngestRuns> {
  const rows = await ledger.all(loadSql("ingest-runs"), {
    limit: opts.limit ?? 50,
  });
  return {
    totalRuns: toNumber(rows[0]?.total_runs),
    runs: rows.map((r) => ({
      runId: toNumber(r.run_id),
      startedAt: msToIso(r.started_ms),
      finishedAt: msToIso(r.finished_ms),
      source: String(r.source),
      isDemo: Boolean(r.is_demo),
      fileCount: toNumber(r.files),
      unchangedFileCount: toNumber(r.unchanged_files),
      lineCount: toNumber(r.lines),
      payloadCount: toNumber(r.payloads),
      eventCount: toNumber(r.events),
      duplicateCount: toNumber(r.duplicates),
      quarantinedCount: toNumber(r.quarantined),
    })),
  };
}
