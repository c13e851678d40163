// Reads a rate card in Meta's own downloadable CSV layout (preamble, Meta currency tokens) into our card layout (no I/O).
import Papa from "papaparse";
import { isIsoDate, PricingDataError, where } from "./csv";
import { parseRateMicros } from "./money";
import { RATE_CARD_COLUMNS, RATE_CATEGORIES, type RateCategory } from "./rate-card";

/**
 * Meta's currency tokens → ISO 4217. Meta's CSVs write "$US" rather than "USD" (and "GBD" is a reported typo for
 * GBP); see /work/shared/domain/rate-cards/README.md, "`$US` token" (after OJoshuaCG/meta-whatsapp-pricing
 * loaders/base_loader.py). Plain ISO codes of the currencies Meta publishes cards in are accepted as well.
 */
export const META_CURRENCY_TOKENS: Readonly<Record<string, string>> = {
  $US: "USD",
  A$: "AUD",
  "£": "GBP",
  "€": "EUR",
  "₹": "INR",
  RP: "IDR",
  R$: "BRL",
  GBD: "GBP",
};

/** The 16 currencies Meta publishes rate cards in (whatsapp-platform.md §3), accepted when written as ISO codes. */
const META_CARD_CURRENCIES = new Set([
  "USD",
  "AED",
  "ARS",
  "AUD",
  "BRL",
  "CLP",
  "COP",
  "EUR",
  "GBP",
  "IDR",
  "INR",
  "MXN",
  "MYR",
  "PEN",
  "SAR",
  "SGD",
]);

export type PricingModel = "CBP" | "PMP";

export interface MetaCsvOptions {
  /** YYYY-MM-DD; wins over the date in the preamble (for a re-issued file whose title no longer says it). */
  effectiveFrom?: string;
  /** Wins over the model read from the preamble. */
  pricingModel?: PricingModel;
}

export interface MetaRateRow {
  market: string;
  /** ISO 4217, already mapped from Meta's token. */
  currency: string;
  /** Exact decimal text as Meta wrote it (validated to fit micro-units); null = blank or "n/a". */
  rates: Record<RateCategory, string | null>;
  /** Physical line of the file where the row starts. */
  line: number;
}

export interface MetaRateCard {
  fileName: string;
  currency: string;
  effectiveFrom: string;
  pricingModel: PricingModel;
  /** Where effectiveFrom and pricingModel came from: the file's preamble or the caller's options. */
  effectiveFromSource: "preamble" | "option";
  pricingModelSource: "preamble" | "option";
  /** Non-blank preamble lines, flattened to one string each (titles, footnotes before the header). */
  preamble: string[];
  /** Lines after the header that hold only a first cell (footnotes); kept so the caller can show what was skipped. */
  notes: { line: number; text: string }[];
  rows: MetaRateRow[];
}

type OurColumn = "market" | "currency" | RateCategory;
const REQUIRED_COLUMNS: readonly OurColumn[] = ["market", "currency", "marketing", "utility", "authentication"];

// Meta's header cells, normalised (lower case, runs of anything else → "_"), to our column names.
const HEADER_ALIASES: Readonly<Record<string, OurColumn>> = {
  market: "market",
  country: "market",
  currency: "currency",
  marketing: "marketing",
  utility: "utility",
  authentication: "authentication",
  authentication_international: "authentication_international",
  authentication_intl: "authentication_international",
  service: "service",
};

const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** A header cell as one line: "Authentication-\nInternational" → "Authentication-International". */
function flatten(cell: string): string {
  return cell
    .replace(/-\s*(\r\n|\r|\n)\s*/g, "-")
    .replace(/\s+/g, " ")
    .trim();
}

function normaliseHeader(cell: string): string {
  return flatten(cell)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_|_$/g, "");
}

const countLineBreaks = (text: string) => text.match(/\r\n|\r|\n/g)?.length ?? 0;

/** Dates after "effective" in the preamble: "June 1, 2023", "1 July 2026", "2025-07-01" → YYYY-MM-DD. */
function effectiveDatesIn(text: string): string[] {
  const found: string[] = [];
  const pattern =
    /effective(?:\s+from|\s+as\s+of)?[\s:]+(?:(\d{4}-\d{2}-\d{2})|([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})|(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4}))/gi;
  for (const m of text.matchAll(pattern)) {
    if (m[1]) {
      found.push(m[1]);
      continue;
    }
    const [monthName, day, year] = m[2] ? [m[2], m[3], m[4]] : [m[6], m[5], m[7]];
    const month = MONTHS.findIndex((name) => monthName && name.startsWith(monthName.toLowerCase()));
    if (month < 0 || !monthName || monthName.length < 3) continue;
    found.push(`${year}-${String(month + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`);
  }
  return found;
}

/** PMP when the title speaks of messages, CBP when of conversations; undefined when it says neither (or both). */
function modelIn(text: string): PricingModel | undefined {
  const perMessage = /\bper[-\s]?message\b|\bmessages?\b/i.test(text);
  const perConversation = /\bconversations?\b/i.test(text);
  if (perMessage === perConversation) return undefined;
  return perMessage ? "PMP" : "CBP";
}

/**
 * Parses Meta's rate-card CSV. Throws PricingDataError naming the file, the physical line and the column for:
 * unbalanced quotes, no header row, unknown/duplicate/missing columns, unknown currency tokens, rates that are not
 * exact decimals (or need more than 6 decimals), duplicate markets, mixed currencies, and a missing effective date
 * or pricing model (when not given in `options`).
 */
export function parseMetaRateCard(csvText: string, fileName: string, options: MetaCsvOptions = {}): MetaRateCard {
  const text = csvText.startsWith("\uFEFF") ? csvText.slice(1) : csvText;
  // Quoted header cells may hold line breaks, so a record is not a line: papaparse handles the quoting, and each
  // record's physical start line is counted from the breaks inside the records before it.
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: "," });
  const records = parsed.data;
  const startLines: number[] = [];
  let nextLine = 1;
  for (const cells of records) {
    startLines.push(nextLine);
    nextLine += 1 + cells.reduce((n, cell) => n + countLineBreaks(cell), 0);
  }
  const fatal = parsed.errors.find((e) => e.type === "Quotes" || e.type === "Delimiter");
  if (fatal) {
    throw new PricingDataError(`${where(fileName, startLines[fatal.row ?? 0] ?? 1)}: ${fatal.message}`);
  }

  const headerIndex = records.findIndex((cells) => {
    const names = new Set(cells.map(normaliseHeader));
    return (names.has("market") || names.has("country")) && names.has("currency");
  });
  if (headerIndex < 0) {
    throw new PricingDataError(`${fileName}: no header row with Market and Currency columns`);
  }
  const headerLine = startLines[headerIndex]!;
  const header = records[headerIndex]!;
  const columnAt: (OurColumn | null)[] = [];
  const labelOf = new Map<OurColumn, string>();
  header.forEach((cell) => {
    const label = flatten(cell);
    if (label === "") {
      columnAt.push(null); // trailing commas pad Meta's rows; a blank header column must stay blank (checked below)
      return;
    }
    const column = HEADER_ALIASES[normaliseHeader(cell)];
    if (!column) {
      throw new PricingDataError(
        `${where(fileName, headerLine, label)}: unknown column "${label}" (expected Market, Currency, ${RATE_CATEGORIES.join(", ")})`,
      );
    }
    if (labelOf.has(column)) throw new PricingDataError(`${where(fileName, headerLine, label)}: duplicate column`);
    labelOf.set(column, label);
    columnAt.push(column);
  });
  const missing = REQUIRED_COLUMNS.filter((c) => !labelOf.has(c));
  if (missing.length > 0) {
    throw new PricingDataError(`${where(fileName, headerLine)}: missing column(s) ${missing.join(", ")}`);
  }

  const preamble = records
    .slice(0, headerIndex)
    .map((cells) =>
      cells
        .map(flatten)
        .filter((c) => c !== "")
        .join(" "),
    )
    .filter((line) => line !== "");
  // The title (first preamble line that says it) wins: later notes may mention other dates ("… from June 1, 2024")
  // or other words ("messages" in a conversation-era footnote).
  const titleWith = <T>(read: (line: string) => T | undefined): T | undefined => {
    for (const line of preamble) {
      const found = read(line);
      if (found !== undefined) return found;
    }
    return undefined;
  };

  let effectiveFrom = options.effectiveFrom;
  let effectiveFromSource: MetaRateCard["effectiveFromSource"] = "option";
  if (effectiveFrom !== undefined) {
    if (!isIsoDate(effectiveFrom)) throw new PricingDataError(`effective date "${effectiveFrom}" is not YYYY-MM-DD`);
  } else {
    const dates =
      titleWith((line) => {
        const inLine = [...new Set(effectiveDatesIn(line))];
        return inLine.length > 0 ? inLine : undefined;
      }) ?? [];
    if (dates.length !== 1 || !isIsoDate(dates[0]!)) {
      throw new PricingDataError(
        `${where(fileName, headerLine)}: ${dates.length > 1 ? `several effective dates (${dates.join(", ")})` : "no effective date"} in the lines before the header; give it with --effective YYYY-MM-DD`,
      );
    }
    effectiveFrom = dates[0]!;
    effectiveFromSource = "preamble";
  }

  let pricingModel = options.pricingModel;
  let pricingModelSource: MetaRateCard["pricingModelSource"] = "option";
  if (pricingModel === undefined) {
    pricingModel = titleWith(modelIn);
    pricingModelSource = "preamble";
    if (!pricingModel) {
      throw new PricingDataError(
        `${where(fileName, headerLine)}: the lines before the header don't say "per message" or "per conversation"; give the model with --model PMP|CBP`,
      );
    }
  }

  const rows: MetaRateRow[] = [];
  const notes: MetaRateCard["notes"] = [];
  const marketLines = new Map<string, number>();
  records.slice(headerIndex + 1).forEach((cells, offset) => {
    const line = startLines[headerIndex + 1 + offset]!;
    if (cells.every((cell) => cell.trim() === "")) return; // blank line
    // A market row always carries its currency token; a line with only a first cell is a footnote.
    if (cells.slice(1).every((cell) => cell.trim() === "")) {
      notes.push({ line, text: flatten(cells[0] ?? "") });
      return;
    }
    // Trailing empty cells beyond the header are padding (Meta's sheets export them); values there are not.
    const beyond = cells.findIndex((cell, i) => i >= header.length && cell.trim() !== "");
    if (beyond >= 0) {
      throw new PricingDataError(
        `${where(fileName, line, `#${beyond + 1}`)}: "${cells[beyond]}" beyond the header's ${header.length} columns`,
      );
    }
    const cellOf = (column: OurColumn) => cells[columnAt.indexOf(column)]?.trim() ?? "";
    const at = (column: OurColumn) => where(fileName, line, labelOf.get(column) ?? column);
    columnAt.forEach((column, i) => {
      if (column === null && (cells[i] ?? "").trim() !== "") {
        throw new PricingDataError(`${where(fileName, line, `#${i + 1}`)}: "${cells[i]}" under a blank header cell`);
      }
    });

    const market = flatten(cellOf("market"));
    if (market === "") throw new PricingDataError(`${at("market")}: is empty`);
    const earlier = marketLines.get(market);
    if (earlier !== undefined) {
      throw new PricingDataError(`${at("market")}: duplicate market "${market}" (already on line ${earlier})`);
    }
    marketLines.set(market, line);

    const token = cellOf("currency");
    const currency = META_CURRENCY_TOKENS[token] ?? (META_CARD_CURRENCIES.has(token) ? token : undefined);
    if (!currency) {
      throw new PricingDataError(
        `${at("currency")}: unknown currency "${token}" (known: ${Object.keys(META_CURRENCY_TOKENS).join(" ")} or an ISO code)`,
      );
    }
    const first = rows[0];
    if (first && currency !== first.currency) {
      throw new PricingDataError(
        `${at("currency")}: "${token}" (${currency}) differs from ${first.currency} on line ${first.line}; one card has one currency`,
      );
    }

    const rates = {} as Record<RateCategory, string | null>;
    for (const category of RATE_CATEGORIES) {
      const raw = cellOf(category);
      if (raw === "" || raw.toLowerCase() === "n/a") {
        rates[category] = null;
        continue;
      }
      try {
        parseRateMicros(raw); // validates only: the text itself is kept so nothing passes through a float
      } catch (error) {
        throw new PricingDataError(`${at(category)}: ${(error as Error).message}`);
      }
      rates[category] = raw;
    }
    rows.push({ market, currency, rates, line });
  });
  if (rows.length === 0)
    throw new PricingDataError(`${fileName}: no market rows after the header on line ${headerLine}`);

  return {
    fileName,
    currency: rows[0]!.currency,
    effectiveFrom,
    pricingModel,
    effectiveFromSource,
    pricingModelSource,
    preamble,
    notes,
    rows,
  };
}

/** The card in our layout (RATE_CARD_COLUMNS), ready for parseRateCard; blank cell = no published rate. */
export function toRateCardCsv(card: MetaRateCard): string {
  const lines = card.rows.map((row) => [
    row.market,
    row.currency,
    ...RATE_CATEGORIES.map((category) => row.rates[category] ?? ""),
    card.effectiveFrom,
  ]);
  return `${Papa.unparse({ fields: [...RATE_CARD_COLUMNS], data: lines }, { newline: "\n" })}\n`;
}
