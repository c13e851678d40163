// Rate-card CSV parsing: the shape of a good card and one failing case per validation rule.
import { describe, expect, it } from "vitest";
import { PricingDataError } from "~/pricing/csv";
import { parseRateCard } from "~/pricing/rate-card";

const HEADER = "market,currency,marketing,utility,authentication,authentication_international,service,effective_from";
const FILE = "meta_usd_pmp_2026-01-01.csv";
const card = (...rows: string[]) => [HEADER, ...rows].join("\n");
const GOOD_ROW = "Brazil,USD,0.0625,0.0068,0.0068,,,2026-01-01";

function errorOf(text: string, fileName = FILE): string {
  try {
    parseRateCard(text, fileName);
  } catch (error) {
    expect(error).toBeInstanceOf(PricingDataError);
    return (error as Error).message;
  }
  throw new Error("expected the card to be rejected");
}

describe("parseRateCard: a good card", () => {
  it("reads rates as micros, blank and n/a as null, 0 as 0", () => {
    const parsed = parseRateCard(card(GOOD_ROW, "India,USD,0.0118,0.0014,N/A,0.0280,0,2026-01-01", ""), FILE);
    expect(parsed).toMatchObject({ fileName: FILE, currency: "USD", effectiveFrom: "2026-01-01" });
    expect(parsed.rows).toHaveLength(2);
    expect(parsed.rows[0]).toEqual({
      market: "Brazil",
      currency: "USD",
      rateMicros: {
        marketing: 62_500n,
        utility: 6_800n,
        authentication: 6_800n,
        authentication_international: null,
        service: null,
      },
      effectiveFrom: "2026-01-01",
      line: 2,
    });
    expect(parsed.rows[1]?.rateMicros).toEqual({
      marketing: 11_800n,
      utility: 1_400n,
      authentication: null,
      authentication_international: 28_000n,
      service: 0n,
    });
  });

  it("accepts columns in another order, CRLF line ends, a BOM and blank lines", () => {
    const text = `\uFEFFcurrency,market,effective_from,service,marketing,utility,authentication,authentication_international\r\n\r\nUSD,Brazil,2026-01-01,,0.0625,0.0068,0.0068,\r\n`;
    const parsed = parseRateCard(text, FILE);
    expect(parsed.rows[0]?.rateMicros.marketing).toBe(62_500n);
    expect(parsed.rows[0]?.line).toBe(3);
  });
});

describe("parseRateCard: one failure per rule, each naming file, line, column and why", () => {
  it("a rate that is not a decimal (decimal comma)", () => {
    const text = card(
      "Argentina,USD,0.0618,0.0260,0.0260,,,2026-01-01",
      "Chile,USD,0.0889,0.0200,0.0200,,,2026-01-01",
      "Colombia,USD,0.0125,0.0008,0.0008,,,2026-01-01",
      "Egypt,USD,0.0644,0.0036,0.0036,0.0650,,2026-01-01",
      "France,USD,0.0859,0.0300,0.0300,,,2026-01-01",
      '"Brazil",USD,0.0625,"0,0068",0.0068,,,2026-01-01',
    );
    expect(errorOf(text)).toContain(
      'meta_usd_pmp_2026-01-01.csv line 7, column utility: "0,0068" is not a decimal rate',
    );
  });

  it("a rate with more than 6 decimals", () => {
    expect(errorOf(card("Brazil,USD,0.0625001,,,,,2026-01-01"))).toMatch(
      /line 2, column marketing: "0\.0625001" is not a decimal rate: 7 decimals/,
    );
  });

  it("a negative rate", () => {
    expect(errorOf(card("Brazil,USD,-0.0625,,,,,2026-01-01"))).toContain('line 2, column marketing: "-0.0625"');
  });

  it("a rate in exponent notation", () => {
    expect(errorOf(card("Brazil,USD,6.25e-2,,,,,2026-01-01"))).toContain('line 2, column marketing: "6.25e-2"');
  });

  it("an unknown column", () => {
    expect(errorOf(`${HEADER},notes\n${GOOD_ROW},x`)).toBe(
      `${FILE} line 1: unknown column "notes" (expected ${HEADER})`,
    );
  });

  it("a missing column", () => {
    expect(
      errorOf("market,currency,marketing,utility,authentication,service,effective_from\nBrazil,USD,1,1,1,,2026-01-01"),
    ).toBe(`${FILE} line 1: missing column(s) authentication_international`);
  });

  it("a duplicate column", () => {
    expect(errorOf(`${HEADER},utility\n${GOOD_ROW},1`)).toContain(`${FILE} line 1: duplicate column "utility"`);
  });

  it("a row with the wrong number of fields", () => {
    expect(errorOf(card(GOOD_ROW, "Chile,USD,0.0889,0.0200,2026-01-01"))).toContain(
      `${FILE} line 3: 5 fields, expected 8`,
    );
  });

  it("a duplicate market", () => {
    expect(errorOf(card(GOOD_ROW, "Chile,USD,0.0889,0.0200,0.0200,,,2026-01-01", GOOD_ROW))).toBe(
      `${FILE} line 4, column market: duplicate market "Brazil" (already on line 2)`,
    );
  });

  it("mixed currencies", () => {
    expect(errorOf(card(GOOD_ROW, "Chile,EUR,0.0889,0.0200,0.0200,,,2026-01-01"))).toContain(
      `${FILE} line 3, column currency: "EUR" differs from "USD" on line 2`,
    );
  });

  it("mixed effective dates", () => {
    expect(errorOf(card(GOOD_ROW, "Chile,USD,0.0889,0.0200,0.0200,,,2026-04-01"))).toContain(
      `${FILE} line 3, column effective_from: "2026-04-01" differs from "2026-01-01" on line 2`,
    );
  });

  it("an effective date that is not a calendar date", () => {
    expect(errorOf(card("Brazil,USD,0.0625,,,,,2026-02-30"))).toBe(
      `${FILE} line 2, column effective_from: "2026-02-30" is not a date written YYYY-MM-DD`,
    );
  });

  it("a currency that is not an ISO code (Meta's $US token)", () => {
    expect(errorOf(card("Brazil,$US,0.0625,,,,,2026-01-01"))).toContain(
      `${FILE} line 2, column currency: "$US" is not an ISO 4217 currency code`,
    );
  });

  it("an empty market name", () => {
    expect(errorOf(card(",USD,0.0625,,,,,2026-01-01"))).toContain(`${FILE} line 2, column market: "" is empty`);
  });

  it("a market name with stray spaces", () => {
    expect(errorOf(card(" Brazil,USD,0.0625,,,,,2026-01-01"))).toContain(`line 2, column market`);
  });

  it("a card without rows", () => {
    expect(errorOf(`${HEADER}\n`)).toBe(`${FILE}: no market rows`);
  });

  it("an empty file", () => {
    expect(errorOf("")).toContain(`${FILE}: empty file`);
  });

  it("a line break inside a quoted cell (Meta's raw header style)", () => {
    expect(errorOf(card(GOOD_ROW, '"Chi\nle",USD,0.0889,0.0200,0.0200,,,2026-01-01'))).toContain(
      `${FILE} line 3: line break inside a quoted cell`,
    );
  });

  it("an unterminated quote", () => {
    expect(errorOf(card(GOOD_ROW, '"Chile,USD,0.0889,0.0200,0.0200,,,2026-01-01'))).toContain(FILE);
  });
});
