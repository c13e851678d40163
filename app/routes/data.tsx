// Data page: the webhook receiver's health, what was ingested and when, and every quarantined input with its reason,
// so bad lines can be fixed and re-run.
import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { getLedger } from "~/.server/ledger.server";
import { ingestRuns } from "~/.server/queries/ingest-runs";
import { TableHead } from "~/components/table-head";
import { quarantineList } from "~/.server/queries/quarantine-list";
import { type ReceiverHealth, receiverHealth } from "~/.server/queries/receiver-health";
import { formatInstant, formatInteger, MISSING } from "~/lib/format";

export const meta: MetaFunction = () => [{ title: "Data · WABA Ledger" }];

const RUN_LIMIT = 50;
const QUARANTINE_LIMIT = 200;
const RAW_PREVIEW_CHARS = 200;
// Ingest runs are not tied to one WABA, so there is no WABA zone to show them in.
const RUN_ZONE = "UTC";
// Lag percentiles cover this many of the latest receiver micro-batches.
const LAG_BATCHES = 200;

export async function loader() {
  const ledger = await getLedger();
  const nowMs = Date.now();
  const [runs, quarantine, receiver] = await Promise.all([
    ingestRuns(ledger, { limit: RUN_LIMIT }),
    quarantineList(ledger, {
      limit: QUARANTINE_LIMIT,
      previewChars: RAW_PREVIEW_CHARS,
    }),
    receiverHealth(ledger, { nowMs, recentBatches: LAG_BATCHES }),
  ]);
  return {
    receiver: receiverView(receiver, nowMs),
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

function receiverView(h: ReceiverHealth, nowMs: number) {
  const lastMs = h.lastReceivedAt ? Date.parse(h.lastReceivedAt) : null;
  return {
    state: h.state,
    verifiable: h.verifiable,
    logDir: h.logDir,
    // Seconds matter here: time of day as the value, the day beside "… ago" (ISO strings are UTC, as RUN_ZONE).
    lastReceivedTime: h.lastReceivedAt ? h.lastReceivedAt.slice(11, 19) : MISSING,
    lastReceivedDay: h.lastReceivedAt ? h.lastReceivedAt.slice(0, 10) : null,
    lastReceivedAgo: lastMs === null ? null : `${msLabel(Math.max(0, nowMs - lastMs))} ago`,
    lastLag: h.lastLagMs === null ? MISSING : msLabel(h.lastLagMs),
    p95Lag: h.p95LagMs === null ? MISSING : msLabel(h.p95LagMs),
    batches: h.batches,
    allTime: h.allTime,
    recent: h.recent,
    windowHours: h.windowHours,
    segmentsWaiting: h.segmentsWaiting,
    ingesting: h.ingesting,
    lastError: h.lastError,
  };
}

function msLabel(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

function durationLabel(startedAt: string | null, finishedAt: string | null): string {
  if (!startedAt) return MISSING;
  if (!finishedAt) return "not finished";
  const seconds = (Date.parse(finishedAt) - Date.parse(startedAt)) / 1000;
  if (!Number.isFinite(seconds) || seconds < 0) return MISSING;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

type ReceiverView = ReturnType<typeof receiverView>;

function ReceiverCard({ r }: { r: ReceiverView }) {
  const status =
    r.state === "running"
      ? `Receiving at /webhooks/whatsapp${r.verifiable ? "" : " (no WHATSAPP_VERIFY_TOKEN: Meta's verification is refused)"}`
      : r.state === "off"
        ? "Off: set WHATSAPP_APP_SECRET to receive Meta's webhooks"
        : "Not running in this process: figures from earlier runs";
  const window = `last ${r.windowHours} h`;
  // `recent`: the count within the window, red when it is a problem count (`alarm`) and not zero.
  const tiles: Array<{ id: string; label: string; value: string; sub: string; recent?: number; alarm?: boolean }> = [
    {
      id: "last",
      label: "Last payload received (UTC)",
      value: r.lastReceivedTime,
      sub: r.lastReceivedDay ? `${r.lastReceivedDay} · ${r.lastReceivedAgo}` : "nothing yet",
    },
    {
      id: "lag",
      label: "Lag, receipt to ingest",
      value: r.lastLag,
      sub:
        r.batches === 0
          ? "no batch ingested yet"
          : `latest batch · p95 ${r.p95Lag} over ${formatInteger(r.batches)} ${r.batches === 1 ? "batch" : "batches"}`,
    },
    {
      id: "accepted",
      label: "Accepted",
      value: formatInteger(r.allTime.accepted),
      recent: r.recent.accepted,
      sub: window,
    },
    {
      id: "rejected",
      label: "Rejected signature",
      value: formatInteger(r.allTime.rejectedSignature),
      recent: r.recent.rejectedSignature,
      alarm: true,
      sub: `${window} · not stored`,
    },
    {
      id: "oversized",
      label: "Oversized",
      value: formatInteger(r.allTime.oversized),
      recent: r.recent.oversized,
      alarm: true,
      sub: `${window} · not stored`,
    },
    {
      id: "malformed",
      label: "Malformed",
      value: formatInteger(r.allTime.malformed),
      recent: r.recent.malformed,
      alarm: true,
      sub: `${window} · kept, see Quarantine`,
    },
  ];
  return (
    <section className="card" data-testid="receiver-health" aria-label="Webhook receiver">
      <div className="card-header">
        <h2>Webhook receiver</h2>
        <span className="muted">{status}</span>
      </div>
      <div className="card-body">
        <div className="stats">
          {tiles.map((t) => (
            <div className="stat" key={t.id} data-testid={`receiver-${t.id}`}>
              <div className="stat-label">{t.label}</div>
              <div className="stat-value">{t.value}</div>
              <span className="cell-sub">
                {t.recent === undefined ? null : t.alarm && t.recent > 0 ? (
                  <span className="tag tag-danger">{formatInteger(t.recent)}</span>
                ) : (
                  formatInteger(t.recent)
                )}{" "}
                {t.sub}
              </span>
            </div>
          ))}
        </div>
        {r.state === "running" ? (
          <p className="muted">
            {r.ingesting ? "Ingesting a batch now. " : ""}
            {r.segmentsWaiting > 0
              ? `${formatInteger(r.segmentsWaiting)} closed log ${r.segmentsWaiting === 1 ? "segment waits" : "segments wait"} for ingest. `
              : ""}
            Log: <code>{r.logDir}</code>
          </p>
        ) : null}
        {r.lastError ? (
          <p className="tag tag-danger">Last ingest of the log failed (it is retried): {r.lastError}</p>
        ) : null}
      </div>
    </section>
  );
}

export default function DataPage() {
  const { runs, totalRuns, quarantine, receiver } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Data</h1>
          <p>Webhook receiver health, ingest runs and quarantined input. Times are UTC.</p>
        </div>
      </header>

      <ReceiverCard r={receiver} />

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
              <TableHead
                columns={[
                  { label: "Run" },
                  { label: "Started (UTC)" },
                  { label: "Source" },
                  ...["Files", "Lines", "Payloads", "Events", "Duplicates", "Quarantined"].map((label) => ({
                    label,
                    numeric: true,
                  })),
                ]}
              />
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
