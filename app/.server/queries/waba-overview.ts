// Typed wrapper for waba-overview.sql: per-WABA event counts and span, as plain display-ready values.
import type { Ledger } from "../db/index";
import { loadSql, msToIso, toNumber } from "./sql";

export interface WabaOverviewRow {
  wabaId: string;
  /** null when the WABA is only known from events. */
  name: string | null;
  timeZone: string;
  /** true when the WABA is not in waba_accounts and UTC is assumed. */
  timeZoneAssumed: boolean;
  currency: string;
  currencyAssumed: boolean;
  isDemo: boolean;
  eventCount: number;
  /** ISO-8601 UTC instants; null when the WABA has no events yet. */
  firstEventAt: string | null;
  lastEventAt: string | null;
  deliveredCount: number;
  readCount: number;
  failedCount: number;
  inboundCount: number;
}

interface RawRow {
  waba_id: string;
  name: string | null;
  time_zone: string;
  time_zone_assumed: boolean;
  currency: string;
  currency_assumed: boolean;
  is_demo: boolean;
  events: string;
  first_event_ms: string | null;
  last_event_ms: string | null;
  delivered: string;
  read: string;
  failed: string;
  inbound: string;
  [key: string]: unknown;
}

export async function wabaOverview(ledger: Ledger): Promise<WabaOverviewRow[]> {
  const rows = await ledger.all<RawRow>(loadSql("waba-overview"));
  return rows.map((r) => ({
    wabaId: r.waba_id,
    name: r.name,
    timeZone: r.time_zone,
    timeZoneAssumed: Boolean(r.time_zone_assumed),
    currency: r.currency,
    currencyAssumed: Boolean(r.currency_assumed),
    isDemo: Boolean(r.is_demo),
    eventCount: toNumber(r.events),
    firstEventAt: msToIso(r.first_event_ms),
    lastEventAt: msToIso(r.last_event_ms),
    deliveredCount: toNumber(r.delivered),
    readCount: toNumber(r.read),
    failedCount: toNumber(r.failed),
    inboundCount: toNumber(r.inbound),
  }));
}
