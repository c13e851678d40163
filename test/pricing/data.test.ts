// The shipped pricing data: every card and the market table load, and spot values match the domain docs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cardFor, rateFor } from "~/pricing/markets";
import type { RateCategory } from "~/pricing/rate-card";
import { loadMarketTable, loadPricingData, loadRateCards, PRICING_DATA_DIR } from "../../pricing-data/load";

const { cards, markets } = loadPricingData();
const card = (id: string) => {
  const found = cards.find((c) => c.id === id);
  if (!found) throw new Error(`no card ${id}`);
  return found;
};

describe("shipped rate cards", () => {
  it("lists the five cards with their provenance", () => {
    expect(cards.map((c) => [c.id, c.pricingModel, c.confidence, c.partial, c.rows.length])).toEqual([
      ["meta-usd-cbp-2023-06-01", "CBP", "low-medium", true, 3],
      ["meta-usd-cbp-2024-11-01", "CBP", "medium", false, 33],
      ["meta-usd-pmp-2025-07-01", "PMP", "low-medium", true, 32],
      ["meta-usd-pmp-2026-01-01", "PMP", "medium", false, 32],
      ["meta-usd-pmp-2026-07-01", "PMP", "low-medium", true, 19],
    ]);
    expect(card("meta-usd-cbp-2024-11-01").source).toContain("e1b7400a5737eef094af870e4667e341a17c6986");
    expect(card("meta-usd-pmp-2026-01-01").source).toContain("ea9be9573c388ade2d5f71d28d5bad44da8d4a7b");
    for (const c of cards) expect(c.currency).toBe("USD");
  });

  // Values from whatsapp-platform.md §3.1 and the rate-cards README, in micro-USD.
  it.each<[string, string, RateCategory, bigint | null]>([
    ["meta-usd-pmp-2026-01-01", "Brazil", "marketing", 62_500n],
    ["meta-usd-pmp-2026-07-01", "India", "authentication_international", 30_400n],
    ["meta-usd-pmp-2026-01-01", "North America", "utility", 3_400n],
    ["meta-usd-pmp-2026-01-01", "North America", "authentication", 3_400n],
    ["meta-usd-pmp-2026-01-01", "Indonesia", "authentication_international", 136_000n],
    ["meta-usd-pmp-2026-01-01", "Saudi Arabia", "utility", 10_700n],
    ["meta-usd-pmp-2026-01-01", "Colombia", "utility", 800n],
    ["meta-usd-pmp-2026-01-01", "India", "marketing", 11_800n],
    ["meta-usd-pmp-2026-01-01", "Brazil", "service", null],
    ["meta-usd-pmp-2026-07-01", "Brazil", "utility", 6_800n], // Meta: "0.68 US cents"
    ["meta-usd-pmp-2026-07-01", "United Kingdom", "marketing", 63_500n],
    ["meta-usd-pmp-2026-07-01", "Saudi Arabia", "marketing", 50_100n],
    ["meta-usd-pmp-2026-07-01", "Pakistan", "utility", 10_000n],
    ["meta-usd-pmp-2026-07-01", "Poland", "marketing", null], // missing from the partial card
    ["meta-usd-pmp-2025-07-01", "Colombia", "utility", 200n],
    ["meta-usd-pmp-2025-07-01", "Mexico", "marketing", 43_600n],
    ["meta-usd-pmp-2025-07-01", "United Kingdom", "marketing", null], // all-blank row
    ["meta-usd-cbp-2024-11-01", "Brazil", "authentication", 31_500n],
    ["meta-usd-cbp-2024-11-01", "India", "authentication_international", 28_000n],
    ["meta-usd-cbp-2024-11-01", "United States", "marketing", 25_000n],
    ["meta-usd-cbp-2024-11-01", "Other", "service", 0n],
    ["meta-usd-cbp-2023-06-01", "Indonesia", "service", 19_000n],
    ["meta-usd-cbp-2023-06-01", "Malaysia", "service", 22_000n],
    ["meta-usd-cbp-2023-06-01", "Other", "service", 14_500n],
  ])("%s %s %s = %s µUSD", (id, market, category, micros) => {
    expect(rateFor(card(id), market, category)).toBe(micros);
  });

  it("every row has the card's currency and effective date", () => {
    for (const c of cards) {
      for (const row of c.rows) expect([row.currency, row.effectiveFrom]).toEqual([c.currency, c.effectiveFrom]);
    }
  });

  it("every card market is a market of the country table, except the CBP card's separate US and Canada rows", () => {
    const known = new Set(markets.rows.map((r) => r.market));
    const unknown = cards.flatMap((c) => c.rows.filter((r) => !known.has(r.market)).map((r) => `${c.id} ${r.market}`));
    expect(unknown).toEqual(["meta-usd-cbp-2024-11-01 United States", "meta-usd-cbp-2024-11-01 Canada"]);
  });

  it("the copies are byte-identical to the shared domain files when those are present", () => {
    const shared = "/work/shared/domain";
    if (!fs.existsSync(shared)) return;
    for (const c of cards) {
      const ours = fs.readFileSync(path.join(PRICING_DATA_DIR, "rate-cards", c.fileName), "utf8");
      expect(ours).toBe(fs.readFileSync(path.join(shared, "rate-cards", c.fileName), "utf8"));
    }
    expect(fs.readFileSync(path.join(PRICING_DATA_DIR, "markets", "country-markets.csv"), "utf8")).toBe(
      fs.readFileSync(path.join(shared, "country-markets.csv"), "utf8"),
    );
  });
});

describe("cardFor on the shipped cards", () => {
  it("uses the 2025-07-01 card on 2025-09-15", () => {
    expect(cardFor(cards, "USD", "2025-09-15")).toMatchObject({
      card: { id: "meta-usd-pmp-2025-07-01" },
      approximate: false,
    });
  });

  it("uses the CBP 2024-11-01 card on 2025-06-30, flagged approximate (its values are known only to 2025-01-31)", () => {
    const choice = cardFor(cards, "USD", "2025-06-30");
    expect(choice?.card.id).toBe("meta-usd-cbp-2024-11-01");
    expect(choice?.card.pricingModel).toBe("CBP");
    expect(choice?.approximate).toBe(true);
  });

  it("switches at midnight of the effective date", () => {
    expect(cardFor(cards, "USD", "2025-12-31")?.card.id).toBe("meta-usd-pmp-2025-07-01");
    expect(cardFor(cards, "USD", "2026-01-01")).toMatchObject({
      card: { id: "meta-usd-pmp-2026-01-01" },
      approximate: false,
    });
    expect(cardFor(cards, "USD", "2026-07-01")).toMatchObject({
      card: { id: "meta-usd-pmp-2026-07-01" },
      approximate: false,
    });
  });

  it("flags the gaps no shipped card covers", () => {
    expect(cardFor(cards, "USD", "2025-12-31")?.approximate).toBe(true); // after the 2025-10-01 changes
    expect(cardFor(cards, "USD", "2026-05-01")?.approximate).toBe(true); // after the 2026-04-01 changes
    expect(cardFor(cards, "USD", "2026-10-01")?.approximate).toBe(true); // service charged from 2026-10-01
    expect(cardFor(cards, "USD", "2023-05-31")).toBeNull();
    expect(cardFor(cards, "INR", "2026-01-01")).toBeNull();
  });
});

describe("shipped country → market table", () => {
  it("moves Zimbabwe from Other to Rest of Africa on 2025-10-01", () => {
    expect(markets.marketOn("ZW", "2025-09-30")).toBe("Other");
    expect(markets.marketOn("ZW", "2025-10-01")).toBe("Rest of Africa");
  });

  it("makes Poland a market of its own on 2026-07-01", () => {
    expect(markets.marketOn("PL", "2026-06-30")).toBe("Rest of Central & Eastern Europe");
    expect(markets.marketOn("PL", "2026-07-01")).toBe("Poland");
  });

  it("maps the documented countries", () => {
    expect(markets.marketOn("US", "2026-01-01")).toBe("North America");
    expect(markets.marketOn("BR", "2026-01-01")).toBe("Brazil");
    expect(markets.marketOn("AD", "2026-01-01")).toBe("Other");
    expect(markets.marketOn("BD", "2026-09-30")).not.toBe("Bangladesh");
    expect(markets.marketOn("BD", "2026-10-01")).toBe("Bangladesh");
    expect(markets.marketOn("XK", "2026-01-01")).toBe("Other"); // Kosovo: no ISO 3166-1 row
  });

  it("has all 249 ISO 3166-1 countries and the 16 dated moves", () => {
    expect(new Set(markets.rows.map((r) => r.iso2)).size).toBe(249);
    expect(markets.rows).toHaveLength(265);
  });
});

describe("loader", () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    tmp = undefined;
  });

  function copyData(): string {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pricing-data-"));
    fs.cpSync(path.join(PRICING_DATA_DIR, "rate-cards"), path.join(tmp, "rate-cards"), { recursive: true });
    fs.cpSync(path.join(PRICING_DATA_DIR, "markets"), path.join(tmp, "markets"), { recursive: true });
    for (const dir of ["rate-cards", "markets"]) {
      for (const f of fs.readdirSync(path.join(tmp, dir))) fs.chmodSync(path.join(tmp, dir, f), 0o644);
    }
    return tmp;
  }

  it("loads from another directory", () => {
    const dir = copyData();
    expect(loadRateCards(dir)).toHaveLength(5);
    expect(loadMarketTable(dir).marketOn("PL", "2026-07-01")).toBe("Poland");
  });

  it("refuses a CSV that cards.json does not list", () => {
    const dir = copyData();
    fs.writeFileSync(path.join(dir, "rate-cards", "meta_eur_pmp_2026-01-01.csv"), "x");
    expect(() => loadRateCards(dir)).toThrow("meta_eur_pmp_2026-01-01.csv: rate card not listed in cards.json");
  });

  it("refuses a cards.json entry that disagrees with its file", () => {
    const dir = copyData();
    const manifestPath = path.join(dir, "rate-cards", "cards.json");
    fs.writeFileSync(
      manifestPath,
      fs.readFileSync(manifestPath, "utf8").replace('"effective_from": "2026-01-01"', '"effective_from": "2026-01-02"'),
    );
    expect(() => loadRateCards(dir)).toThrow(
      "meta_usd_pmp_2026-01-01.csv: effective_from 2026-01-01 but cards.json says 2026-01-02",
    );
  });

  it("refuses a cards.json entry with an unknown field or confidence", () => {
    const dir = copyData();
    const manifestPath = path.join(dir, "rate-cards", "cards.json");
    fs.writeFileSync(
      manifestPath,
      fs.readFileSync(manifestPath, "utf8").replace('"confidence": "medium"', '"confidence": "certain"'),
    );
    expect(() => loadRateCards(dir)).toThrow(/cards\.json: cards\.1\.confidence/);
  });

  it("reports a broken shipped card with file, line and column", () => {
    const dir = copyData();
    const file = path.join(dir, "rate-cards", "meta_usd_pmp_2026-01-01.csv");
    fs.writeFileSync(
      file,
      fs.readFileSync(file, "utf8").replace("Brazil,USD,0.0625,0.0068", "Brazil,USD,0.0625,0,0068"),
    );
    expect(() => loadRateCards(dir)).toThrow("meta_usd_pmp_2026-01-01.csv line 3: 9 fields, expected 8");
  });
});
