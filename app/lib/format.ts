// Client-safe formatters for numbers, percentages and instants; no I/O, same output on server and browser.
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";

// One fixed locale so server-rendered HTML and the hydrated page agree whatever the browser's language.
const LOCALE = "en-US";
const integerFormat = new Intl.NumberFormat(LOCALE, {
  maximumFractionDigits: 0,
});

/** Placeholder for a value that does not exist (no events yet, rate undefined). */
export const MISSING = "—";

/** 1234567 → "1,234,567". Accepts the strings DuckDB hands back for BIGINT. */
export function formatInteger(value: number | bigint | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return MISSING;
  if (typeof value === "bigint") return integerFormat.format(value);
  const n = typeof value === "number" ? value : Number(value);
  if (!Number.isFinite(n)) return MISSING;
  return integerFormat.format(Math.round(n));
}

/** A ratio (0.1234) as a percentage ("12.3%"); null, NaN or infinite ratios show as "—". */
export function formatPercent(ratio: number | null | undefined, fractionDigits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return MISSING;
  return `${(ratio * 100).toFixed(fractionDigits)}%`;
}

/** part / whole as a percentage, "—" when whole is 0. */
export function formatShare(part: number, whole: number, fractionDigits = 1): string {
  return whole === 0 ? MISSING : formatPercent(part / whole, fractionDigits);
}

const zoneCache = new Map<string, boolean>();

/** True when the runtime knows this IANA zone name ("Europe/Berlin", "UTC"). */
export function isValidTimeZone(timeZone: string): boolean {
  let ok = zoneCache.get(timeZone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat(LOCALE, { timeZone }).format(0);
      ok = true;
    } catch {
      ok = false;
    }
    zoneCache.set(timeZone, ok);
  }
  return ok;
}

/**
 * An instant as "YYYY-MM-DD HH:mm" wall-clock time in `timeZone` (an IANA name).
 * Accepts ISO strings, epoch milliseconds or a Date. Throws on an unknown zone rather than silently
 * showing another zone's time.
 */
export function formatInstant(instant: string | number | Date | null | undefined, timeZone: string): string {
  if (instant === null || instant === undefined || instant === "") return MISSING;
  const ms = instant instanceof Date ? instant.getTime() : typeof instant === "number" ? instant : Date.parse(instant);
  if (!Number.isFinite(ms)) return MISSING;
  if (!isValidTimeZone(timeZone)) throw new RangeError(`unknown time zone "${timeZone}"`);
  return format(new TZDate(ms, timeZone), "yyyy-MM-dd HH:mm");
}

/** A calendar day "YYYY-MM-DD" of an instant in `timeZone`. */
export function formatDay(instant: string | number | Date | null | undefined, timeZone: string): string {
  const s = formatInstant(instant, timeZone);
  return s === MISSING ? s : s.slice(0, 10);
}
