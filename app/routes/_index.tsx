// Overview page: every WABA in the ledger with its event counts and span; numbers in HTML, a chart after hydration.
import { TableHead } from "~/components/table-head";
import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { type ReactNode, useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { getLedger } from "~/.server/ledger.server";
import { type WabaOverviewRow, wabaOverview } from "~/.server/queries/waba-overview";
import { formatInstant, formatInteger, formatShare, isValidTimeZone } from "~/lib/format";

export const meta: MetaFunction = () => [{ title: "Overview · WABA Ledger" }];

/** An overview row shaped for the page: the query's counts as they are, plus label and zone-local times. */
export type WabaView = Omit<WabaOverviewRow, "name"> & {
  /** The account name, or the id when the WABA is only known from events. */
  label: string;
  named: boolean;
  /** The stored zone name is not one the runtime knows; times are shown in UTC instead. */
  timeZoneInvalid: boolean;
  /** "YYYY-MM-DD HH:mm" wall-clock time in `timeZone`, or "—". */
  firstEvent: string;
  lastEvent: string;
};

function toWabaView(row: WabaOverviewRow): WabaView {
  const timeZoneInvalid = !isValidTimeZone(row.timeZone);
  const zone = timeZoneInvalid ? "UTC" : row.timeZone;
  const { name, ...counts } = row;
  return {
    ...counts,
    label: name ?? row.wabaId,
    named: name !== null && name !== "",
    timeZone: zone,
    timeZoneAssumed: row.timeZoneAssumed || timeZoneInvalid,
    timeZoneInvalid,
    firstEvent: formatInstant(row.firstEventAt, zone),
    lastEvent: formatInstant(row.lastEventAt, zone),
  };
}

export async function loader() {
  const wabas = (await wabaOverview(await getLedger())).map(toWabaView);
  const sum = (pick: (w: WabaView) => number) => wabas.reduce((total, w) => total + pick(w), 0);
  return {
    wabas,
    totals: {
      wabaCount: wabas.length,
      eventCount: sum((w) => w.eventCount),
      deliveredCount: sum((w) => w.deliveredCount),
      readCount: sum((w) => w.readCount),
      failedCount: sum((w) => w.failedCount),
      inboundCount: sum((w) => w.inboundCount),
    },
  };
}

export default function Overview() {
  const { wabas, totals } = useLoaderData<typeof loader>();
  return (
    <>
      <header className="page-header">
        <div>
          <h1>Overview</h1>
          <p>Every WhatsApp Business Account in the ledger, with what has been ingested for it.</p>
        </div>
      </header>
      {wabas.length === 0 ? (
        <EmptyState />
      ) : (
        <>
          <section className="stats" aria-label="Totals">
            <Stat label="WABAs" value={totals.wabaCount} />
            <Stat label="Events ingested" value={totals.eventCount} />
            <Stat label="Delivered" value={totals.deliveredCount} />
            <Stat label="Read" value={totals.readCount} />
            <Stat label="Failed" value={totals.failedCount} />
            <Stat label="Inbound messages" value={totals.inboundCount} />
          </section>
          <WabaTable wabas={wabas} />
          <section className="card">
            <div className="card-header">
              <h2>Delivered, read and failed messages per WABA</h2>
              <StatusLegend />
            </div>
            <div className="card-body">
              <div className="chart">
                <ClientOnly fallback={<div className="chart-placeholder">Loading chart…</div>}>
                  {() => <StatusChart wabas={wabas} />}
                </ClientOnly>
              </div>
            </div>
          </section>
        </>
      )}
    </>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{formatInteger(value)}</div>
    </div>
  );
}

function WabaTable({ wabas }: { wabas: WabaView[] }) {
  const anyAssumed = wabas.some((w) => w.timeZoneAssumed || w.currencyAssumed);
  return (
    <section className="card">
      <div className="card-header">
        <h2>WhatsApp Business Accounts</h2>
        <span className="muted">
          Times in each WABA's own zone · counts are distinct messages · % read of delivered, failed of outcomes
        </span>
      </div>
      <div className="table-wrap">
        <table className="data" data-testid="waba-table">
          <TableHead
            columns={[
              { label: "WABA" },
              { label: "Zone · currency" },
              { label: "Events", numeric: true },
              { label: "First event" },
              { label: "Last event" },
              { label: "Delivered", numeric: true },
              { label: "Read", numeric: true },
              { label: "Failed", numeric: true },
              { label: "Inbound", numeric: true },
            ]}
          />
          <tbody>
            {wabas.map((w) => (
              <tr key={w.wabaId} data-waba-id={w.wabaId}>
                <td>
                  <strong>{w.label}</strong> {w.isDemo ? <span className="tag tag-demo">demo</span> : null}
                  <span className="cell-sub mono">{w.named ? w.wabaId : "not in waba_accounts"}</span>
                </td>
                <td>
                  <span className="nowrap">
                    {w.timeZone}{" "}
                    {w.timeZoneAssumed ? (
                      <span
                        className="tag tag-assumed"
                        title={
                          w.timeZoneInvalid
                            ? "The stored zone is not a known IANA zone; shown in UTC"
                            : "Not in waba_accounts: UTC assumed"
                        }
                      >
                        assumed
                      </span>
                    ) : null}
                  </span>
                  <span className="cell-sub">
                    {w.currency}
                    {w.currencyAssumed ? " (assumed)" : ""}
                  </span>
                </td>
                <td className="num">{formatInteger(w.eventCount)}</td>
                <td className="nowrap" title={w.firstEventAt ?? undefined}>
                  {w.firstEvent}
                </td>
                <td className="nowrap" title={w.lastEventAt ?? undefined}>
                  {w.lastEvent}
                </td>
                <td className="num">{formatInteger(w.deliveredCount)}</td>
                <td className="num">
                  {formatInteger(w.readCount)}
                  {w.deliveredCount > 0 ? (
                    <span className="cell-sub" title="Read ÷ delivered">
                      {formatShare(w.readCount, w.deliveredCount)}
                    </span>
                  ) : null}
                </td>
                <td className="num">
                  {formatInteger(w.failedCount)}
                  {w.failedCount > 0 ? (
                    <span className="cell-sub" title="Failed ÷ (delivered + failed)">
                      {formatShare(w.failedCount, w.deliveredCount + w.failedCount)}
                    </span>
                  ) : null}
                </td>
                <td className="num">{formatInteger(w.inboundCount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {anyAssumed ? (
        <p className="note card-body">
          <span className="tag tag-assumed">assumed</span> WABAs missing from <code>waba_accounts</code> are bucketed in
          UTC and priced in USD until their settings are added.
        </p>
      ) : null}
    </section>
  );
}

function EmptyState() {
  return (
    <section className="card empty">
      <h2>No data yet</h2>
      <p>Load realistic demo traffic to look around:</p>
      <pre>npx waba-ledger demo</pre>
      <p>or load your own webhook logs and BSP exports (.jsonl, .json, .gz, .csv files or folders):</p>
      <pre>npx waba-ledger ingest PATH</pre>
      <p className="faint">Reload this page when the command has finished.</p>
    </section>
  );
}

const STATUS_SERIES = [
  {
    key: "deliveredCount",
    label: "Delivered",
    colour: "var(--status-delivered)",
  },
  { key: "readCount", label: "Read", colour: "var(--status-read)" },
  { key: "failedCount", label: "Failed", colour: "var(--status-failed)" },
] as const;

function StatusLegend() {
  return (
    <span className="legend">
      {STATUS_SERIES.map((s) => (
        <span key={s.key}>
          <span className="dot" style={{ background: s.colour }} />
          {s.label}
        </span>
      ))}
    </span>
  );
}

function StatusChart({ wabas }: { wabas: WabaView[] }) {
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={wabas} margin={{ top: 8, right: 8, bottom: 0, left: 8 }} barCategoryGap="24%">
        <CartesianGrid vertical={false} stroke="#e2e5ea" />
        <XAxis dataKey="label" tickLine={false} axisLine={{ stroke: "#cfd4db" }} interval={0} />
        <YAxis
          tickLine={false}
          axisLine={false}
          width={64}
          tickFormatter={(v: number) => formatInteger(v)}
          allowDecimals={false}
        />
        <Tooltip cursor={{ fill: "rgba(22, 27, 34, 0.04)" }} formatter={(value) => formatInteger(Number(value))} />
        {STATUS_SERIES.map((s) => (
          <Bar key={s.key} dataKey={s.key} name={s.label} fill={s.colour} radius={[3, 3, 0, 0]} maxBarSize={36} />
        ))}
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Renders its children only after hydration: recharts draws nothing on the server. */
function ClientOnly({ children, fallback }: { children: () => ReactNode; fallback: ReactNode }) {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return <>{hydrated ? children() : fallback}</>;
}
