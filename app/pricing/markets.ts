// Which market a country bills in on a date, which rate card applies on a date, and a card's rate (no I/O).
import { z } from "zod";
import { isIsoDate, PricingDataError, readCsvRecords, where } from "./csv";
import { isoDateSchema, type RateCard, type RateCategory } from "./rate-card";

export const COUNTRY_MARKET_COLUMNS = ["iso2", "iso3", "country", "market", "effective_from", "source_note"] as const;
type CountryMarketColumn = (typeof COUNTRY_MARKET_COLUMNS)[number];

/** Meta: "if a country is not listed, it maps to Other". */
export const OTHER_MARKET = "Other";

export const countryMarketRowSchema = z.object({
  iso2: z.string().regex(/^[A-Z]{2}$/, { message: "is not an ISO 3166-1 alpha-2 code" }),
  iso3: z.string().regex(/^[A-Z]{3}$/, { message: "is not an ISO 3166-1 alpha-3 code" }),
  country: z.string().min(1, { message: "is empty" }),
  market: z
    .string()
    .min(1, { message: "is empty" })
    .refine((s) => s === s.trim(), { message: "has leading or trailing spaces" }),
  effective_from: isoDateSchema,
  source_note: z.string(),
});

export interface CountryMarketRow {
  iso2: string;
  iso3: string;
  country: string;
  market: string;
  effectiveFrom: string;
  sourceNote: string;
  line: number;
}

/** Parses country-markets.csv with the same loud validation as the rate cards (file, line, column, why). */
export function parseCountryMarkets(csvText: string, fileName: string): CountryMarketRow[] {
  const records = readCsvRecords<CountryMarketColumn>(csvText, fileName, COUNTRY_MARKET_COLUMNS);
  const rows: CountryMarketRow[] = [];
  const byCountry = new Map<string, CountryMarketRow[]>();
  for (const { line, values } of records) {
    const result = countryMarketRowSchema.safeParse(values);
    if (!result.success) {
      throw new PricingDataError(
        result.error.issues
          .map((issue) => {
            const column = String(issue.path[0] ?? "?");
            return `${where(fileName, line, column)}: "${values[column as CountryMarketColumn] ?? ""}" ${issue.message}`;
          })
          .join("; "),
      );
    }
    const cells = result.data;
    const row: CountryMarketRow = {
      iso2: cells.iso2,
      iso3: cells.iso3,
      country: cells.country,
      market: cells.market,
      effectiveFrom: cells.effective_from,
      sourceNote: cells.source_note,
      line,
    };
    const history = byCountry.get(row.iso2) ?? [];
    for (const earlier of history) {
      if (earlier.effectiveFrom === row.effectiveFrom) {
        throw new PricingDataError(
          `${where(fileName, line, "effective_from")}: ${row.iso2} already has a row effective ${row.effectiveFrom} on line ${earlier.line}`,
        );
      }
      if (earlier.iso3 !== row.iso3 || earlier.country !== row.country) {
        throw new PricingDataError(
          `${where(fileName, line, "iso3")}: ${row.iso2} is ${row.iso3} "${row.country}" here but ${earlier.iso3} "${earlier.country}" on line ${earlier.line}`,
        );
      }
    }
    history.push(row);
    byCountry.set(row.iso2, history);
    rows.push(row);
  }
  if (rows.length === 0) throw new PricingDataError(`${fileName}: no country rows`);
  return rows;
}

function assertDate(date: string): void {
  if (!isIsoDate(date)) throw new RangeError(`"${date}" is not a date written YYYY-MM-DD (in the WABA's time zone)`);
}

export interface MarketTable {
  rows: readonly CountryMarketRow[];
  /**
   * Market of a country (ISO alpha-2) on a day in the WABA's time zone: its row with the latest
   * effective_from ≤ date; "Other" for countries not in the table.
   */
  marketOn(iso2: string, date: string): string;
}

export function createMarketTable(rows: readonly CountryMarketRow[]): MarketTable {
  const history = new Map<string, CountryMarketRow[]>();
  for (const row of rows) history.set(row.iso2, [...(history.get(row.iso2) ?? []), row]);
  for (const list of history.values()) list.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));
  return {
    rows,
    marketOn(iso2, date) {
      assertDate(date);
      const list = history.get(iso2.toUpperCase());
      if (!list) return OTHER_MARKET;
      let current = list[0]!;
      // Before the first row we keep the first row: the baseline rows come from Meta's CBP-era calling-code
      // table, which held unchanged until the first dated move (no remapping was announced for 2025-07-01).
      for (const row of list) if (row.effectiveFrom <= date) current = row;
      return current.market;
    },
  };
}

/**
 * Model changes a card from before cannot describe: using an older card past one of these is approximate
 * even when its own validity end is unknown. Dates from whatsapp-platform.md §1.
 */
export const ERA_SWITCHES: readonly { from: string; change: string }[] = [
  { from: "2025-07-01", change: "per-message pricing replaced conversation-based pricing" },
  { from: "2026-10-01", change: "service messages became chargeable and nine markets left regional groups" },
];

export interface CardChoice {
  card: RateCard;
  /** True when the card is not known to hold on `date`; `reasons` says why. */
  approximate: boolean;
  reasons: string[];
}

/**
 * Rate card of `currency` for a day in the WABA's time zone: the latest card with effective_from ≤ date.
 * Approximate when the date is past the card's known last day (no card covers it, the nearest earlier one is
 * used) or past an era switch the card predates. Null when no card of that currency starts on or before it;
 * other currencies are never converted (Meta publishes separate numbers per currency).
 */
export function cardFor(cards: readonly RateCard[], currency: string, date: string): CardChoice | null {
  assertDate(date);
  let best: RateCard | undefined;
  for (const card of cards) {
    if (card.currency !== currency || card.effectiveFrom > date) continue;
    if (best && card.effectiveFrom === best.effectiveFrom) {
      throw new PricingDataError(
        `cards ${best.id} and ${card.id} are both ${currency} effective ${card.effectiveFrom}`,
      );
    }
    if (!best || card.effectiveFrom > best.effectiveFrom) best = card;
  }
  if (!best) return null;
  const reasons: string[] = [];
  if (best.lastDay !== null && date > best.lastDay) {
    reasons.push(`${best.id} is known to hold only until ${best.lastDay} and no later ${currency} card covers ${date}`);
  }
  for (const era of ERA_SWITCHES) {
    if (best.effectiveFrom < era.from && era.from <= date) {
      reasons.push(`${best.id} predates ${era.from}, when ${era.change}`);
    }
  }
  return { card: best, approximate: reasons.length > 0, reasons };
}

/** The card's list rate in micro-units of its currency, or null when the market or the cell is missing. */
export function rateFor(card: RateCard, market: string, category: RateCategory): bigint | null {
  return card.byMarket.get(market)?.rateMicros[category] ?? null;
}
