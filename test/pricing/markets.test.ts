// Country→market table, card choice by date and rate lookup: pure functions on hand-written data.
import { describe, expect, it } from "vitest";
import { PricingDataError } from "~/pricing/csv";
import { cardFor, createMarketTable, parseCountryMarkets, rateFor } from "~/pricing/markets";
import { buildRateCard, type CardManifestEntry, parseRateCard, type RateCard } from "~/pricing/rate-card";

const FILE = "country-markets.csv";
const HEADER = "iso2,iso3,country,market,effective_from,source_note";
const table = (...rows: string[]) => [HEADER, ...rows].join("\n");
const ZW_ROWS = [
  'ZW,ZWE,Zimbabwe,Other,2025-07-01,"explicit rule: not listed"',
  "ZW,ZWE,Zimbabwe,Rest of Africa,2025-10-01,explicit: change log",
];

function errorOf(text: string): string {
  try {
    parseCountryMarkets(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(PricingDataError);
    return (error as Error).message;
  }
  throw new Error("expected the table to be rejected");
}

describe("parseCountryMarkets + marketOn", () => {
  const markets = createMarketTable(parseCountryMarkets(table(...ZW_ROWS.slice().reverse()), FILE));

  it("takes the row with the latest effective_from ≤ date, whatever the file order", () => {
    expect(markets.marketOn("ZW", "2025-09-30")).toBe("Other");
    expect(markets.marketOn("ZW", "2025-10-01")).toBe("Rest of Africa");
    expect(markets.marketOn("zw", "2027-01-01")).toBe("Rest of Africa");
  });

  it("keeps the baseline row for dates before the table starts", () => {
    expect(markets.marketOn("ZW", "2024-01-01")).toBe("Other");
  });

  it('maps countries that are not listed to "Other"', () => {
    expect(markets.marketOn("XK", "2026-01-01")).toBe("Other");
  });

  it("rejects a date that is not YYYY-MM-DD", () => {
    expect(() => markets.marketOn("ZW", "2025-10-01T00:00:00Z")).toThrow(RangeError);
  });

  it("keeps source notes with their commas", () => {
    expect(markets.rows.find((r) => r.effectiveFrom === "2025-07-01")?.sourceNote).toBe("explicit rule: not listed");
  });
});

describe("parseCountryMarkets: one failure per rule", () => {
  it("a bad ISO alpha-2 code", () => {
    expect(errorOf(table("Zw,ZWE,Zimbabwe,Other,2025-07-01,x"))).toBe(
      `${FILE} line 2, column iso2: "Zw" is not an ISO 3166-1 alpha-2 code`,
    );
  });

  it("a bad ISO alpha-3 code", () => {
    expect(errorOf(table("ZW,ZW,Zimbabwe,Other,2025-07-01,x"))).toContain(`${FILE} line 2, column iso3`);
  });

  it("an empty market", () => {
    expect(errorOf(table("ZW,ZWE,Zimbabwe,,2025-07-01,x"))).toContain(`${FILE} line 2, column market: "" is empty`);
  });

  it("a bad effective date", () => {
    expect(errorOf(table("ZW,ZWE,Zimbabwe,Other,1.7.2025,x"))).toContain(
      `${FILE} line 2, column effective_from: "1.7.2025" is not a date`,
    );
  });

  it("two rows for one country on one date", () => {
    expect(errorOf(table(ZW_ROWS[0]!, "ZW,ZWE,Zimbabwe,Rest of Africa,2025-07-01,x"))).toBe(
      `${FILE} line 3, column effective_from: ZW already has a row effective 2025-07-01 on line 2`,
    );
  });

  it("a country whose iso3/name changes between rows", () => {
    expect(errorOf(table(ZW_ROWS[0]!, "ZW,ZMB,Zimbabwe,Rest of Africa,2025-10-01,x"))).toContain(
      `${FILE} line 3, column iso3`,
    );
  });

  it("an unknown column", () => {
    expect(errorOf(`${HEADER},calling_code\n${ZW_ROWS[1]},263`)).toContain(
      `${FILE} line 1: unknown column "calling_code"`,
    );
  });

  it("a table without rows", () => {
    expect(errorOf(HEADER)).toBe(`${FILE}: no country rows`);
  });
});

const CARD_HEADER =
  "market,currency,marketing,utility,authentication,authentication_international,service,effective_from";

function makeCard(
  id: string,
  currency: string,
  effectiveFrom: string,
  lastDay: string | null,
  model: "CBP" | "PMP",
): RateCard {
  const file = `${id}.csv`;
  const entry: CardManifestEntry = {
    id,
    file,
    currency,
    effective_from: effectiveFrom,
    last_day: lastDay,
    pricing_model: model,
    source: "test",
    source_date: null,
    retrieved: null,
    confidence: "low",
    partial: false,
    notes: "",
  };
  const csv = `${CARD_HEADER}\nBrazil,${currency},0.0625,0.0068,,,,${effectiveFrom}\n`;
  return buildRateCard(entry, parseRateCard(csv, file));
}

describe("cardFor", () => {
  const cbp = makeCard("usd-cbp", "USD", "2024-11-01", null, "CBP");
  const pmp = makeCard("usd-pmp", "USD", "2025-07-01", "2025-09-30", "PMP");
  const eur = makeCard("eur-cbp", "EUR", "2023-06-01", null, "CBP");
  const cards = [pmp, eur, cbp];

  it("picks the latest card of the currency that has started", () => {
    expect(cardFor(cards, "USD", "2025-07-01")).toEqual({ card: pmp, approximate: false, reasons: [] });
    expect(cardFor(cards, "USD", "2025-06-30")).toEqual({ card: cbp, approximate: false, reasons: [] });
  });

  it("returns null before the first card and for a currency without cards (never converts)", () => {
    expect(cardFor(cards, "USD", "2024-10-31")).toBeNull();
    expect(cardFor(cards, "BRL", "2026-01-01")).toBeNull();
  });

  it("is approximate past the card's known last day", () => {
    const choice = cardFor(cards, "USD", "2025-10-01");
    expect(choice?.card).toBe(pmp);
    expect(choice?.approximate).toBe(true);
    expect(choice?.reasons[0]).toContain("2025-09-30");
  });

  it("is approximate past an era switch the card predates", () => {
    const choice = cardFor(cards, "EUR", "2025-07-01");
    expect(choice?.card).toBe(eur);
    expect(choice?.approximate).toBe(true);
    expect(choice?.reasons.join(" ")).toContain("per-message pricing");
    expect(cardFor(cards, "EUR", "2025-06-30")?.approximate).toBe(false);
  });

  it("refuses two cards of one currency on one date", () => {
    expect(() => cardFor([cbp, makeCard("usd-cbp-2", "USD", "2024-11-01", null, "CBP")], "USD", "2025-01-01")).toThrow(
      PricingDataError,
    );
  });
});

describe("rateFor", () => {
  const card = makeCard("usd", "USD", "2026-01-01", null, "PMP");
  it("returns micros, or null for a blank cell or an unknown market", () => {
    expect(rateFor(card, "Brazil", "marketing")).toBe(62_500n);
    expect(rateFor(card, "Brazil", "authentication")).toBeNull();
    expect(rateFor(card, "Atlantis", "marketing")).toBeNull();
  });
});

describe("buildRateCard", () => {
  it("refuses a manifest entry that disagrees with the file", () => {
    const parsed = parseRateCard(`${CARD_HEADER}\nBrazil,USD,0.0625,,,,,2026-01-01\n`, "x.csv");
    const manifest: CardManifestEntry = {
      id: "x",
      file: "x.csv",
      currency: "USD",
      effective_from: "2026-04-01",
      last_day: null,
      pricing_model: "PMP",
      source: "test",
      source_date: null,
      retrieved: null,
      confidence: "low",
      partial: false,
      notes: "",
    };
    expect(() => buildRateCard(manifest, parsed)).toThrow(
      "x.csv: effective_from 2026-01-01 but cards.json says 2026-04-01",
    );
    expect(() => buildRateCard({ ...manifest, effective_from: "2026-01-01", currency: "EUR" }, parsed)).toThrow(
      "currency USD but cards.json says EUR",
    );
  });
});
