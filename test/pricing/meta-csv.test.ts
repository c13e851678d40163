// Meta's own rate-card CSV layout: preamble, quoted multi-line header, currency tokens, n/a, and located errors.
import { describe, expect, it } from "vitest";
import { PricingDataError } from "~/pricing/csv";
import { META_CURRENCY_TOKENS, parseMetaRateCard, toRateCardCsv } from "~/pricing/meta-csv";
import { parseRateCard } from "~/pricing/rate-card";

// Shaped like Meta's download: title and blank line, header with a quoted line break, $US tokens, n/a and blanks.
const PMP_CSV = [
  "Per-message rates, USD, effective July 1, 2025,,,,,,",
  ",,,,,,",
  'Market,Currency,Marketing,Utility,Authentication,"Authentication-',
  'International",Service',
  "Argentina,$US,0.0618,0.0289,0.0289,n/a,n/a",
  "Colombia,$US,0.0125,0.0002,0.0002,,n/a",
  "India,$US,0.0107,0.0014,0.0014,0.0280,N/A",
  "North America,$US,0.0250,0.0034,0.0034,,",
  "",
].join("\r\n");

const CBP_CSV = [
  '"Cost per conversation in USD, effective June 1, 2023"',
  "Authentication-international rates apply in Indonesia from June 1, 2024",
  "Market,Currency,Marketing,Utility,Authentication,Authentication-International,Service",
  "Indonesia,$US,0.0411,0.0200,0.0300,0.1360,0.0190",
  "Other,$US,0.0604,0.0338,0.0304,,0.0145",
  "* Rates are per conversation.",
].join("\n");

const parseError = (text: string, fileName = "meta.csv", options = {}) => {
  try {
    parseMetaRateCard(text, fileName, options);
  } catch (error) {
    expect(error).toBeInstanceOf(PricingDataError);
    return (error as Error).message;
  }
  throw new Error("expected a PricingDataError");
};

describe("parseMetaRateCard", () => {
  it("reads a per-message card: preamble date and model, multi-line header, $US, n/a and blanks", () => {
    const card = parseMetaRateCard(PMP_CSV, "usd.csv");
    expect(card).toMatchObject({
      currency: "USD",
      effectiveFrom: "2025-07-01",
      pricingModel: "PMP",
      effectiveFromSource: "preamble",
      pricingModelSource: "preamble",
    });
    expect(card.preamble).toEqual(["Per-message rates USD effective July 1 2025"]);
    // Physical lines: the header spans lines 3–4, so Argentina is on line 5.
    expect(card.rows.map((r) => [r.market, r.line])).toEqual([
      ["Argentina", 5],
      ["Colombia", 6],
      ["India", 7],
      ["North America", 8],
    ]);
    expect(card.rows[2]!.rates).toEqual({
      marketing: "0.0107",
      utility: "0.0014",
      authentication: "0.0014",
      authentication_international: "0.0280",
      service: null,
    });
    expect(card.rows[0]!.rates.authentication_international).toBeNull();
  });

  it("ignores blank padding cells after the last column", () => {
    const padded = PMP_CSV.replace("0.0002,0.0002,,n/a", "0.0002,0.0002,,n/a,,,");
    expect(parseMetaRateCard(padded, "usd.csv").rows).toHaveLength(4);
  });

  it("writes our card layout, exact text, accepted by the card parser", () => {
    const csv = toRateCardCsv(parseMetaRateCard(PMP_CSV, "usd.csv"));
    expect(csv.split("\n").slice(0, 3)).toEqual([
      "market,currency,marketing,utility,authentication,authentication_international,service,effective_from",
      "Argentina,USD,0.0618,0.0289,0.0289,,,2025-07-01",
      "Colombia,USD,0.0125,0.0002,0.0002,,,2025-07-01",
    ]);
    const parsed = parseRateCard(csv, "out.csv");
    expect(parsed.rows.find((r) => r.market === "India")!.rateMicros.authentication_international).toBe(28_000n);
  });

  it("reads a conversation card, takes the title's date over a footnote's, keeps footer notes aside", () => {
    const card = parseMetaRateCard(CBP_CSV, "cbp.csv");
    expect(card).toMatchObject({ effectiveFrom: "2023-06-01", pricingModel: "CBP" });
    expect(card.rows.map((r) => r.market)).toEqual(["Indonesia", "Other"]);
    expect(card.rows[0]!.rates.service).toBe("0.0190");
    expect(card.notes).toEqual([{ line: 6, text: "* Rates are per conversation." }]);
  });

  it.each(
    Object.entries({ $US: "USD", A$: "AUD", "£": "GBP", "€": "EUR", "₹": "INR", RP: "IDR", R$: "BRL", GBD: "GBP" }),
  )("maps Meta's currency token %s to %s", (token, iso) => {
    expect(META_CURRENCY_TOKENS[token]).toBe(iso);
    const text = `Per-message rates, effective 2026-01-01\nMarket,Currency,Marketing,Utility,Authentication\nX,${token},1,0.5,0.5\n`;
    expect(parseMetaRateCard(text, "t.csv").currency).toBe(iso);
  });

  it("takes --effective and --model over the preamble, and needs them when the preamble says nothing", () => {
    const bare = "Market,Currency,Marketing,Utility,Authentication\nIndia,₹,0.86,0.115,0.115\n";
    expect(parseError(bare)).toBe(
      "meta.csv line 1: no effective date in the lines before the header; give it with --effective YYYY-MM-DD",
    );
    expect(parseError(bare, "meta.csv", { effectiveFrom: "2026-01-01" })).toMatch(
      /^meta\.csv line 1: .*give the model with --model PMP\|CBP$/,
    );
    const card = parseMetaRateCard(bare, "inr.csv", { effectiveFrom: "2026-01-01", pricingModel: "PMP" });
    expect(card).toMatchObject({ currency: "INR", effectiveFrom: "2026-01-01", effectiveFromSource: "option" });
    expect(parseMetaRateCard(PMP_CSV, "usd.csv", { effectiveFrom: "2025-07-02" }).effectiveFrom).toBe("2025-07-02");
    expect(parseError(bare, "meta.csv", { effectiveFrom: "2026-02-30", pricingModel: "PMP" })).toMatch(
      /"2026-02-30" is not YYYY-MM-DD/,
    );
  });

  describe("errors name file, physical line and column", () => {
    const withRow = (row: string) => PMP_CSV.replace("Colombia,$US,0.0125,0.0002,0.0002,,n/a", row);

    it.each([
      [
        "a float-looking rate",
        "Colombia,$US,1e-4,0.0002,0.0002,,",
        /^meta\.csv line 6, column Marketing: "1e-4" is not a decimal rate/,
      ],
      [
        "too many decimals",
        "Colombia,$US,0.0125,0.00021234,0.0002,,",
        /^meta\.csv line 6, column Utility: .*8 decimals, at most 6/,
      ],
      [
        "a bad rate under the multi-line header",
        "Colombia,$US,0.0125,0.0002,0.0002,-1,",
        /^meta\.csv line 6, column Authentication-International: "-1" is not a decimal rate/,
      ],
      [
        "an unknown currency token",
        "Colombia,US$,0.0125,0.0002,0.0002,,",
        /^meta\.csv line 6, column Currency: unknown currency "US\$"/,
      ],
      [
        "a second currency",
        "Colombia,£,0.0125,0.0002,0.0002,,",
        /^meta\.csv line 6, column Currency: "£" \(GBP\) differs from USD on line 5; one card has one currency$/,
      ],
      [
        "a duplicate market",
        "Argentina,$US,0.0125,0.0002,0.0002,,",
        /^meta\.csv line 6, column Market: duplicate market "Argentina" \(already on line 5\)$/,
      ],
      ["a blank market", ",$US,0.0125,0.0002,0.0002,,", /^meta\.csv line 6, column Market: is empty$/],
      [
        "too many fields",
        "Colombia,$US,0.0125,0.0002,0.0002,,,,9",
        /^meta\.csv line 6, column #9: "9" beyond the header's 7 columns$/,
      ],
    ])("%s", (_name, row, message) => {
      expect(parseError(withRow(row))).toMatch(message);
    });

    it("an unknown or missing header column, on the header's line", () => {
      expect(parseError(PMP_CSV.replace("Utility", "Utilities"))).toMatch(
        /^meta\.csv line 3, column Utilities: unknown column "Utilities"/,
      );
      expect(parseError(CBP_CSV.replace("Utility,", ""))).toMatch(/^meta\.csv line 3: missing column\(s\) utility/);
    });

    it("no header, no rows, an unclosed quote, several dates in the title", () => {
      expect(parseError("Per-message rates\nfoo,bar\n")).toBe(
        "meta.csv: no header row with Market and Currency columns",
      );
      expect(parseError(PMP_CSV.split("\r\n").slice(0, 4).join("\r\n"))).toMatch(
        /^meta\.csv: no market rows after the header on line 3$/,
      );
      expect(parseError(`${PMP_CSV}India,$US,"0.01,0.01,0.01,,\r\n`)).toMatch(/^meta\.csv line 9: /);
      expect(parseError(PMP_CSV.replace("July 1, 2025", "July 1, 2025 (effective 2025-10-01 for Colombia)"))).toMatch(
        /^meta\.csv line 3: several effective dates \(2025-07-01, 2025-10-01\)/,
      );
    });
  });
});
