// Data page: what was ingested and when, and every quarantined input with its reason, so bad lines can be fixed and re-run.
import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getLedger } from "~/.server/ledger.server";
import { ingestRuns } from "~/.server/queries/ingest-runs";
import { quarantineList } from "~/.server/queries/quarantine-list";
import { formatInstant, formatInteger, MISSING } from "~/lib/format";

export const meta: MetaFunction = () => [{ title: "Data · WABA Ledger" }];

const RUN_LIMIT = 50;
const QUARANTINE_LIMIT = 200;
const RAW_PREVIEW_CHARS = 200;
// Ingest runs are not tied to one WABA, so there is no WABA zone to show them in.
const RUN_ZONE = "UTC";

export async function loader() {
  const ledger = await getLedger();
  const [runs, quarantine] = await Promise.all([
    ingestRuns(ledger, { limit: RUN_LIMIT }),
    quarantineList(ledger, {
      limit: QUARANTINE_LIMIT,
      previewChars: RAW_PREVIEW_CHARS,
    }),
  ]);
  return {
    totalRuns: runs.totalRuns,
    runs: runs.runs.map((r) => ({
      ...r,
      started: formatInstant(r.startedAt, RUN_ZONE),
      durationLabel: durationLabel(r.startedAt, r.finishedAt),
    })),
    quarantine: {
      totalRows: quarantine.totalRows,
      reasons: quarantine.reasons,
      rows: quarantine.rows.map((q) => ({
        ...q,
        quarantined: formatInstant(q.quarantinedAt, RUN_ZONE),
        rawTruncated: q.rawChars > q.rawPreview.length,
      })),
    },
  };
}

function durationLabel(startedAt: string | null, finishedAt: string | null): string {
  if (!startedAt) return MISSING;
  if (!finishedAt) return "not finished";
  const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return MISSING;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export default function DataPage() {
  const { runs, totalRuns, quarantine } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Data</h1>
          <p>Ingest runs and quarantined input. Times are UTC.</p>
        </div>
      </header>

      <section className="stats" aria-label="Totals">
        <div className="stat">
          <div className="stat-label">Ingest runs</div>
          <div className="stat-value">{formatInteger(totalRuns)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Quarantined items</div>
          <div className="stat-value">{formatInteger(quarantine.totalRows)}</div>
        </div>
        <div className="stat">
          <div className="stat-label">Quarantine reasons</div>
          <div className="stat-value">{formatInteger(quarantine.reasons.length)}</div>
        </div>
      </section>

      <section className="card">
        <div className="card-header">
          <h2>Recent ingest runs</h2>
          <span className="muted">
            {totalRuns > runs.length
              ? `Latest ${formatInteger(runs.length)} of ${formatInteger(totalRuns)}`
              : `${formatInteger(totalRuns)} ${totalRuns === 1 ? "run" : "runs"}`}
          </span>
        </div>
        {runs.length === 0 ? (
          <div className="empty">
            <p>
              Nothing has been ingested yet. Run <code>npx waba-ledger demo</code> for demo traffic, or{" "}
              <code>npx waba-ledger ingest PATH</code> for your own files.
            </p>
          </div>
        ) : (
          <div className="table-wrap">
            <table className="data" data-testid="runs-table">
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Started (UTC)</th>
                  <th scope="col">Source</th>
                  <th scope="col" className="num">
                    Files
                  </th>
                  <th scope="col" className="num">
                    Lines
                  </th>
                  <th scope="col" className="num">
                    Payloads
                  </th>
                  <th scope="col" className="num">
                    Events
                  </th>
                  <th scope="col" className="num">
                    Duplicates
                  </th>
                  <th scope="col" className="num">
                    Quarantined
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.runId}>
                    <td className="faint">#{r.runId}</td>
                    <td className="nowrap">
                      {r.started}
                      <span className="cell-sub">{r.durationLabel}</span>
                    </td>
                    <td>
                      {r.source} {r.isDemo ? <span className="tag tag-demo">demo</span> : null}
                    </td>
                    <td className="num">
                      {formatInteger(r.fileCount)}
                      {r.unchangedFileCount > 0 ? (
                        <span className="cell-sub">{formatInteger(r.unchangedFileCount)} unchanged</span>
                      ) : null}
                    </td>
                    <td className="num">{formatInteger(r.lineCount)}</td>
                    <td className="num">{formatInteger(r.payloadCount)}</td>
                    <td className="num">{formatInteger(r.eventCount)}</td>
                    <td className="num">{formatInteger(r.duplicateCount)}</td>
                    <td className="num">
                      {r.quarantinedCount > 0 ? (
                        <span className="tag tag-danger">{formatInteger(r.quarantinedCount)}</span>
                      ) : (
                        formatInteger(r.quarantinedCount)
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card">
        <div className="card-header">
          <h2>Quarantine</h2>
          <span className="muted">
            {quarantine.totalRows > quarantine.rows.length
              ? `Latest ${formatInteger(quarantine.rows.length)} of ${formatInteger(quarantine.totalRows)}`
              : `${formatInteger(quarantine.totalRows)} ${quarantine.totalRows === 1 ? "item" : "items"}`}
          </span>
        </div>
        {quarantine.rows.length === 0 ? (
          <div className="empty">
            <p>Nothing is quarantined: every line ingested so far was loaded.</p>
          </div>
        ) : (
          <>
            <div className="card-body">
              <ul className="chips" data-testid="quarantine-reasons" aria-label="Quarantined items by reason">
                {quarantine.reasons.map((r) => (
                  <li key={r.reason} className="chip">
                    {r.reason} <strong>{formatInteger(r.count)}</strong>
                  </li>
                ))}
              </ul>
            </div>
            <div className="table-wrap">
              <table className="data" data-testid="quarantine-table">
                <thead>
                  <tr>
                    <th scope="col">File</th>
                    <th scope="col" className="num">
                      Line
                    </th>
                    <th scope="col">Item</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Raw (first {RAW_PREVIEW_CHARS} characters)</th>
                  </tr>
                </thead>
                <tbody>
                  {quarantine.rows.map((q) => (
                    <tr key={q.key}>
                      <td className="mono">
                        {q.path}
                        <span className="cell-sub nowrap">
                          run #{q.runId} · {q.quarantined}
                        </span>
                      </td>
                      <td className="num">{q.lineNo === null ? MISSING : formatInteger(q.lineNo)}</td>
                      <td className="mono">{q.item ?? MISSING}</td>
                      <td>{q.reason}</td>
                      <td className="raw">
                        {q.rawPreview}
                        {q.rawTruncated ? <span className="faint"> … ({formatInteger(q.rawChars)} chars)</span> : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </section>
    </>
  );
}
