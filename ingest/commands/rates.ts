// `waba-ledger rates list | diff A B | import FILE`: the catalogued rate cards, what changed between two, and adding one.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { PricingDataError } from "../../app/pricing/csv";
import { parseMetaRateCard, toRateCardCsv } from "../../app/pricing/meta-csv";
import { formatMicros, roundHalfUpDiv } from "../../app/pricing/money";
import {
  type CardManifestEntry,
  cardManifestEntrySchema,
  parseRateCard,
  RATE_CATEGORIES,
  type RateCard,
  type RateCategory,
} from "../../app/pricing/rate-card";
import { loadRateCards, PRICING_DATA_DIR } from "../../pricing-data/load";

/** Bad arguments to a rates command (the CLI exits 2 for these, like its own usage errors). */
export class RatesUsageError extends Error {}

export interface RatesOptions {
  /** pricing-data folder (holding rate-cards/); default: the shipped one. */
  dir?: string;
  effective?: string;
  model?: string;
  id?: string;
  confidence?: string;
  source?: string;
}

export interface RatesOutput {
  result: unknown;
  text: string;
}

export function runRates(args: string[], options: RatesOptions): RatesOutput {
  const [sub, ...rest] = args;
  const dir = path.resolve(options.dir ?? PRICING_DATA_DIR);
  switch (sub) {
    case "list": {
      if (rest.length) throw new RatesUsageError("rates list takes no arguments");
      const result = listRates(dir);
      return { result, text: formatList(result) };
    }
    case "diff": {
      const [a, b, ...extra] = rest;
      if (!a || !b || extra.length)
        throw new RatesUsageError("rates diff needs two card ids: waba-ledger rates diff A B");
      const result = diffRates(dir, a, b);
      return { result, text: formatDiff(result) };
    }
    case "import": {
      const [file, ...extra] = rest;
      if (!file || extra.length)
        throw new RatesUsageError("rates import needs one file: waba-ledger rates import FILE");
      const result = importRates(dir, file, options);
      return { result, text: formatImport(result) };
    }
    default:
      throw new RatesUsageError(
        `${sub ? `unknown rates command "${sub}"` : "rates needs a command"}: rates list | rates diff A B | rates import FILE`,
      );
  }
}

// ---- list

export interface CardSummary {
  id: string;
  currency: string;
  effective_from: string;
  last_day: string | null;
  model: "CBP" | "PMP";
  rows: number;
  confidence: string;
  partial: boolean;
  file: string;
  source: string;
}

export function listRates(dir: string): { cards: CardSummary[] } {
  return {
    cards: loadRateCards(dir).map((c) => ({
      id: c.id,
      currency: c.currency,
      effective_from: c.effectiveFrom,
      last_day: c.lastDay,
      model: c.pricingModel,
      rows: c.rows.length,
      confidence: c.confidence,
      partial: c.partial,
      file: c.fileName,
      source: c.source,
    })),
  };
}

function formatList({ cards }: { cards: CardSummary[] }): string {
  const table = cards.map((c) => [
    c.id,
    c.currency,
    c.effective_from,
    c.model,
    String(c.rows),
    c.confidence,
    c.partial ? "partial" : "",
  ]);
  const lines = alignColumns([["id", "currency", "effective", "model", "rows", "confidence", ""], ...table]);
  const sources = cards.map((c) => `  ${c.id}: ${c.source}`);
  return [...lines, "", "Sources:", ...sources].join("\n");
}

// ---- diff

export interface RateChange {
  market: string;
  category: RateCategory;
  /** Decimal text in the card's currency; null = not published in that card. */
  a: string | null;
  b: string | null;
  /** b − a in micro-units; null when either side is not published. */
  change_micros: number | null;
  /** Change relative to a, in percent rounded half-up to 2 decimals; null when a is 0 or not published. */
  change_pct: number | null;
}

export interface RatesDiff {
  a: string;
  b: string;
  currency: string;
  changed: RateChange[];
  unchanged: number;
  added_markets: string[];
  removed_markets: string[];
}

function findCard(cards: RateCard[], id: string): RateCard {
  const card = cards.find((c) => c.id === id);
  if (!card) throw new RatesUsageError(`no rate card "${id}" (known: ${cards.map((c) => c.id).join(", ")})`);
  return card;
}

export function diffRates(dir: string, idA: string, idB: string): RatesDiff {
  const cards = loadRateCards(dir);
  const a = findCard(cards, idA);
  const b = findCard(cards, idB);
  // Cards in other currencies are separately published numbers, not conversions: a difference would mean nothing.
  if (a.currency !== b.currency) {
    throw new RatesUsageError(`${a.id} is in ${a.currency} and ${b.id} in ${b.currency}: rates can't be compared`);
  }
  const changed: RateChange[] = [];
  let unchanged = 0;
  for (const rowA of a.rows) {
    const rowB = b.byMarket.get(rowA.market);
    if (!rowB) continue;
    for (const category of RATE_CATEGORIES) {
      const microsA = rowA.rateMicros[category];
      const microsB = rowB.rateMicros[category];
      if (microsA === microsB) {
        if (microsA !== null) unchanged++;
        continue;
      }
      const delta = microsA !== null && microsB !== null ? microsB - microsA : null;
      changed.push({
        market: rowA.market,
        category,
        a: microsA === null ? null : formatMicros(microsA, a.currency),
        b: microsB === null ? null : formatMicros(microsB, b.currency),
        change_micros: delta === null ? null : Number(delta),
        // Basis points of a, through the pricing engine's one rounding rule, then shown as a percentage.
        change_pct:
          delta === null || microsA === null || microsA === 0n
            ? null
            : Number(roundHalfUpDiv(delta * 10_000n, microsA)) / 100,
      });
    }
  }
  return {
    a: a.id,
    b: b.id,
    currency: a.currency,
    changed,
    unchanged,
    added_markets: b.rows.filter((r) => !a.byMarket.has(r.market)).map((r) => r.market),
    removed_markets: a.rows.filter((r) => !b.byMarket.has(r.market)).map((r) => r.market),
  };
}

function formatDiff(d: RatesDiff): string {
  const rows = d.changed.map((c) => [
    c.market,
    c.category,
    c.a ?? "—",
    c.b ?? "—",
    c.change_micros !== null
      ? `${c.change_micros > 0 ? "+" : ""}${c.change_micros} µ${d.currency}`
      : c.a === null
        ? "newly published"
        : "no longer published",
    c.change_pct === null ? "" : `${c.change_pct > 0 ? "+" : ""}${c.change_pct}%`,
  ]);
  const out = [`${d.a} → ${d.b} (${d.currency})`];
  out.push(
    ...(rows.length
      ? alignColumns([["market", "category", d.a, d.b, "change", "%"], ...rows])
      : ["No rate changed for markets in both cards."]),
  );
  out.push(`${d.changed.length} changed, ${d.unchanged} unchanged.`);
  if (d.added_markets.length) out.push(`Only in ${d.b} (added): ${d.added_markets.join(", ")}`);
  if (d.removed_markets.length) out.push(`Only in ${d.a} (removed): ${d.removed_markets.join(", ")}`);
  return out.join("\n");
}

// ---- import

export interface ImportResult {
  card: CardManifestEntry;
  path: string;
  rows: number;
  effective_from_source: "preamble" | "option";
  model_source: "preamble" | "option";
  skipped_notes: { line: number; text: string }[];
}

const CONFIDENCES = ["high", "medium", "low-medium", "low"] as const;

export function importRates(dir: string, file: string, options: RatesOptions): ImportResult {
  if (options.model !== undefined && options.model !== "PMP" && options.model !== "CBP") {
    throw new RatesUsageError(`--model takes PMP or CBP, not "${options.model}"`);
  }
  const confidence = options.confidence ?? "high";
  if (!(CONFIDENCES as readonly string[]).includes(confidence)) {
    throw new RatesUsageError(`--confidence takes ${CONFIDENCES.join(", ")}, not "${confidence}"`);
  }
  if (!fs.existsSync(file)) throw new RatesUsageError(`no such file: ${file}`);
  const bytes = fs.readFileSync(file);
  const fileName = path.basename(file);
  const meta = parseMetaRateCard(bytes.toString("utf8"), fileName, {
    effectiveFrom: options.effective,
    pricingModel: options.model as "PMP" | "CBP" | undefined,
  });

  const cardsDir = path.join(dir, "rate-cards");
  const manifestPath = path.join(cardsDir, "cards.json");
  // Everything already there must load, so a refusal or a rollback below is about this card only.
  const existing = loadRateCards(dir);
  const id =
    options.id ?? `meta-${meta.currency.toLowerCase()}-${meta.pricingModel.toLowerCase()}-${meta.effectiveFrom}`;
  // Cards are immutable: a new price is a new card, never an edit of one already used for past costs.
  const sameId = existing.find((c) => c.id === id);
  if (sameId) throw new Error(`card ${id} already exists (${sameId.fileName}); cards are immutable, pick another --id`);
  const sameVersion = existing.find((c) => c.currency === meta.currency && c.effectiveFrom === meta.effectiveFrom);
  if (sameVersion) {
    throw new Error(
      `card ${sameVersion.id} already covers ${meta.currency} from ${meta.effectiveFrom}; cards are immutable, a new price needs a new effective date`,
    );
  }
  const cardFile = `${id}.csv`;
  const cardPath = path.join(cardsDir, cardFile);
  if (fs.existsSync(cardPath)) throw new Error(`${cardPath} already exists; cards are immutable`);

  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const title = meta.preamble[0];
  const parsedEntry = cardManifestEntrySchema.safeParse({
    id,
    file: cardFile,
    currency: meta.currency,
    effective_from: meta.effectiveFrom,
    last_day: null,
    pricing_model: meta.pricingModel,
    source: options.source ?? `Meta rate-card CSV "${fileName}" (sha256 ${sha256})`,
    source_date: null,
    retrieved: null,
    confidence,
    partial: false,
    notes: `Imported with \`waba-ledger rates import\` from "${fileName}" (sha256 ${sha256}) on ${new Date().toISOString().slice(0, 10)}${title ? `; title "${title}"` : ""}. Effective date from ${meta.effectiveFromSource === "preamble" ? "the file's preamble" : "--effective"}, model from ${meta.pricingModelSource === "preamble" ? "the file's preamble" : "--model"}.`,
  });
  if (!parsedEntry.success) {
    throw new RatesUsageError(parsedEntry.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const entry = parsedEntry.data;
  const csvText = toRateCardCsv(meta);
  parseRateCard(csvText, cardFile); // our own parser must accept what we are about to write

  const manifestText = fs.readFileSync(manifestPath, "utf8");
  const manifest = JSON.parse(manifestText) as { cards: CardManifestEntry[] };
  manifest.cards.push(entry);
  // Write the card, then the catalogue, then load everything back; on any failure put both back as they were.
  fs.writeFileSync(cardPath, csvText, { flag: "wx" });
  try {
    const tmp = `${manifestPath}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(tmp, manifestPath);
    const loaded = loadRateCards(dir).find((c) => c.id === id);
    if (!loaded) throw new PricingDataError(`${cardFile}: not found by the loader after writing`);
  } catch (error) {
    fs.writeFileSync(manifestPath, manifestText);
    fs.rmSync(cardPath, { force: true });
    throw error;
  }
  return {
    card: entry,
    path: cardPath,
    rows: meta.rows.length,
    effective_from_source: meta.effectiveFromSource,
    model_source: meta.pricingModelSource,
    skipped_notes: meta.notes,
  };
}

function formatImport(r: ImportResult): string {
  const c = r.card;
  const lines = [
    `Added rate card ${c.id}: ${c.currency}, ${c.pricing_model}, effective ${c.effective_from}, ${r.rows} markets, confidence ${c.confidence}`,
    `  file: ${r.path} (listed in cards.json)`,
  ];
  for (const note of r.skipped_notes) lines.push(`  skipped note on line ${note.line}: ${note.text}`);
  return lines.join("\n");
}

function alignColumns(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd(),
  );
}
