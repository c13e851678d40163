// `waba-ledger quarantine`: what could not be loaded, where it was, and why.
import type { Ledger } from "../../app/.server/db";

export interface QuarantineRow {
  path: string;
  line_no: number | null;
  item: string | null;
  reason: string;
  raw: string;
  quarantined_at: string;
}

export async function listQuarantine(ledger: Ledger, args: { limit?: number } = {}) {
  const limit = Math.max(1, Math.min(args.limit ?? 100, 10_000));
  const total = Number((await ledger.all("SELECT count(*) AS n FROM quarantine"))[0]?.n ?? 0);
  const rows = (
    await ledger.all(
      `SELECT path, line_no, item, reason, raw, strftime(quarantined_at, '%Y-%m-%dT%H:%M:%SZ') AS quarantined_at
       FROM quarantine ORDER BY quarantined_at DESC, path, line_no LIMIT $limit`,
      { limit },
    )
  ).map((r) => ({ ...r, line_no: r.line_no === null ? null : Number(r.line_no) })) as QuarantineRow[];
  return { total, rows };
}

export function formatQuarantine(q: { total: number; rows: QuarantineRow[] }): string {
  if (q.total === 0) return "Quarantine is empty: every line loaded.";
  const out = [
    `${q.total} quarantined item${q.total === 1 ? "" : "s"}${q.rows.length < q.total ? ` (newest ${q.rows.length} shown)` : ""}:`,
  ];
  for (const r of q.rows) {
    const where = `${r.path}${r.line_no !== null ? `:${r.line_no}` : ""}${r.item ? ` ${r.item}` : ""}`;
    out.push(`- ${where}\n    ${r.reason}\n    ${r.raw.length > 160 ? `${r.raw.slice(0, 160)}…` : r.raw}`);
  }
  out.push("Fix the source lines and ingest the file again; lines already loaded are skipped.");
  return out.join("\n");
}
