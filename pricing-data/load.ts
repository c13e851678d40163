// Loads the shipped pricing data (rate cards + country→market table) from this folder, validated by the pure parsers.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PricingDataError } from "../app/pricing/csv";
import { createMarketTable, type MarketTable, parseCountryMarkets } from "../app/pricing/markets";
import { buildRateCard, cardManifestSchema, parseRateCard, type RateCard } from "../app/pricing/rate-card";

/** This folder, found from the module itself so the loader works from any working directory. */
export const PRICING_DATA_DIR = path.dirname(fileURLToPath(import.meta.url));

export interface PricingData {
  cards: RateCard[];
  markets: MarketTable;
}

/** Reads cards.json and every card it lists; throws PricingDataError on the first problem. */
export function loadRateCards(dir: string = PRICING_DATA_DIR): RateCard[] {
  const cardsDir = path.join(dir, "rate-cards");
  const manifestPath = path.join(cardsDir, "cards.json");
  let manifestJson: unknown;
  try {
    manifestJson = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
  } catch (error) {
    throw new PricingDataError(`cards.json: ${(error as Error).message}`);
  }
  const manifest = cardManifestSchema.safeParse(manifestJson);
  if (!manifest.success) {
    const issues = manifest.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new PricingDataError(`cards.json: ${issues}`);
  }
  const cards: RateCard[] = [];
  const ids = new Set<string>();
  const versions = new Set<string>();
  for (const entry of manifest.data.cards) {
    if (ids.has(entry.id)) throw new PricingDataError(`cards.json: duplicate card id ${entry.id}`);
    ids.add(entry.id);
    // One card per currency and effective date, otherwise "which card applies" has two answers.
    const version = `${entry.currency} ${entry.effective_from}`;
    if (versions.has(version)) throw new PricingDataError(`cards.json: two cards for ${version}`);
    versions.add(version);
    const csvText = fs.readFileSync(path.join(cardsDir, entry.file), "utf8");
    cards.push(buildRateCard(entry, parseRateCard(csvText, entry.file)));
  }
  // Every CSV in the folder must be catalogued, so a card can't silently go unused.
  const listed = new Set(cards.map((c) => c.fileName));
  for (const file of fs.readdirSync(cardsDir)) {
    if (file.endsWith(".csv") && !listed.has(file)) {
      throw new PricingDataError(`${file}: rate card not listed in cards.json`);
    }
  }
  return cards;
}

/** Reads markets/country-markets.csv. */
export function loadMarketTable(dir: string = PRICING_DATA_DIR): MarketTable {
  const fileName = "country-markets.csv";
  const csvText = fs.readFileSync(path.join(dir, "markets", fileName), "utf8");
  return createMarketTable(parseCountryMarkets(csvText, fileName));
}

export function loadPricingData(dir: string = PRICING_DATA_DIR): PricingData {
  return { cards: loadRateCards(dir), markets: loadMarketTable(dir) };
}
