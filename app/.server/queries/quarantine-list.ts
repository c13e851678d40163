// Typed wrapper for quarantine-list.sql: quarantined input with reason counts, raw text cut to a preview.
import type { Ledger } from "../db/index";
import { loadSql, msToIso, toNumber } from "./sql";

export interface QuarantineRow {
  /** Stable row id (the quarantine key as decimal text). */
  key: string;
  runId: number;
  path: string;
  /** 1-based; null for problems with a whole file. */
  lineNo: number | null;
  item: string | null;
  reason: string;
  rawPreview: string;
  /** Full length of the raw text: tells the view whether the preview was cut. */
  rawChars: number;
  quarantinedAt: string | null;
}

export interface QuarantineList {
  rows: QuarantineRow[];
  /** Every quarantined row, not only the ones returned. */
  totalRows: number;
  /** Counts over the whole quarantine for each reason seen in the returned rows, largest first. */
  reasons: { reason: string; count: number }[];
}

export async function quarantineList(
  ledger: Ledger,
  opts: { limit?: number; previewChars?: number } = {},
): Promise<QuarantineList> {
  const rows = await ledger.all(loadSql("quarantine-list"), {
    limit: opts.limit ?? 200,
    preview_chars: opts.previewChars ?? 200,
  });
  const reasons = new Map<string, number>();
  for (const r of rows) reasons.set(String(r.reason), toNumber(r.reason_rows));
  return {
    totalRows: toNumber(rows[0]?.total_rows),
    reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count),
    rows: rows.map((r) => ({
      key: String(r.quarantine_key),
      runId: toNumber(r.run_id),
      path: String(r.path),
      lineNo: r.line_no === null || r.line_no === undefined ? null : toNumber(r.line_no),
      item: r.item === null || r.item === undefined ? null : String(r.item),
      reason: String(r.reason),
      rawPreview: String(r.raw_preview ?? ""),
      rawChars: toNumber(r.raw_chars),
      quarantinedAt: msToIso(r.quarantined_ms),
    })),
  };
}
