// Rate cards as data: zod schemas for a card row and the catalogue entry, and the strict card CSV parser (no I/O).
import { z } from "zod";
import { isIsoDate, PricingDataError, readCsvRecords, where } from "./csv";
import { parseRateMicros } from "./money";

/** Charge categories that have a column on Meta's rate cards. */
export const RATE_CATEGORIES = [
  "marketing",
  "utility",
  "authentication",
  "authentication_international",
  "service",
] as const;
export type RateCategory = (typeof RATE_CATEGORIES)[number];

export const RATE_CARD_COLUMNS = ["market", "currency", ...RATE_CATEGORIES, "effective_from"] as const;
type RateCardColumn = (typeof RATE_CARD_COLUMNS)[number];

export const isoDateSchema = z.string().refine(isIsoDate, { message: "is not a date written YYYY-MM-DD" });

// Blank and Meta's "n/a" both mean "no published rate" (null), which is different from a rate of 0.
const rateCellSchema = z.string().transform((raw, ctx): bigint | null => {
  const text = raw.trim();
  if (text === "" || text.toLowerCase() === "n/a") return null;
  try {
    return parseRateMicros(raw);
  } catch (error) {
    // parseRateMicros's RangeError already reads '"<text>" is not a decimal rate: <why>'.
    ctx.addIssue({ code: "custom", message: (error as Error).message });
    return z.NEVER;
  }
});

/** One card row as read from the CSV cells; rates become integer micro-units of `currency` or null. */
export const rateCardRowSchema = z.object({
  market: z
    .string()
    .min(1, { message: "is empty" })
    .refine((s) => s === s.trim(), { message: "has leading or trailing spaces" }),
  // ISO 4217 only: Meta's own files say "$US", "A$", "£"… and must be normalised before they get here.
  currency: z.string().regex(/^[A-Z]{3}$/, { message: "is not an ISO 4217 currency code like USD" }),
  marketing: rateCellSchema,
  utility: rateCellSchema,
  authentication: rateCellSchema,
  authentication_international: rateCellSchema,
  service: rateCellSchema,
  effective_from: isoDateSchema,
});

export interface RateCardRow {
  market: string;
  currency: string;
  /** Rates in micro-units of `currency`; null = not published for this market. */
  rateMicros: Record<RateCategory, bigint | null>;
  effectiveFrom: string;
  /** Line in the CSV, for messages that point back at the data. */
  line: number;
}

export interface ParsedRateCard {
  fileName: string;
  currency: string;
  effectiveFrom: string;
  rows: RateCardRow[];
}

function describeIssue(fileName: string, line: number, values: Record<string, string>, issue: z.core.$ZodIssue) {
  const column = String(issue.path[0] ?? "?");
  // Rate cells already quote their text; other columns get it quoted here.
  const message = issue.message.startsWith('"') ? issue.message : `"${values[column] ?? ""}" ${issue.message}`;
  return `${where(fileName, line, column)}: ${message}`;
}

/**
 * Parses one rate-card CSV. Throws PricingDataError naming file, line, column and reason for: unknown,
 * missing or duplicate columns, bad cells, duplicate markets, and currencies or effective dates that differ
 * within the card (a card is one currency at one effective date; anything else is two cards).
 */
export function parseRateCard(csvText: string, fileName: string): ParsedRateCard {
  const records = readCsvRecords<RateCardColumn>(csvText, fileName, RATE_CARD_COLUMNS);
  if (records.length === 0) throw new PricingDataError(`${fileName}: no market rows`);
  const rows: RateCardRow[] = [];
  const marketLines = new Map<string, number>();
  for (const { line, values } of records) {
    const result = rateCardRowSchema.safeParse(values);
    if (!result.success) {
      throw new PricingDataError(result.error.issues.map((i) => describeIssue(fileName, line, values, i)).join("; "));
    }
    const cells = result.data;
    const first = rows[0];
    if (first && cells.currency !== first.currency) {
      throw new PricingDataError(
        `${where(fileName, line, "currency")}: "${cells.currency}" differs from "${first.currency}" on line ${first.line}; one card has one currency`,
      );
    }
    if (first && cells.effective_from !== first.effectiveFrom) {
      throw new PricingDataError(
        `${where(fileName, line, "effective_from")}: "${cells.effective_from}" differs from "${first.effectiveFrom}" on line ${first.line}; one card has one effective date`,
      );
    }
    const earlier = marketLines.get(cells.market);
    if (earlier !== undefined) {
      throw new PricingDataError(
        `${where(fileName, line, "market")}: duplicate market "${cells.market}" (already on line ${earlier})`,
      );
    }
    marketLines.set(cells.market, line);
    rows.push({
      market: cells.market,
      currency: cells.currency,
      rateMicros: {
        marketing: cells.marketing,
        utility: cells.utility,
        authentication: cells.authentication,
        authentication_international: cells.authentication_international,
        service: cells.service,
      },
      effectiveFrom: cells.effective_from,
      line,
    });
  }
  const first = rows[0]!;
  return { fileName, currency: first.currency, effectiveFrom: first.effectiveFrom, rows };
}

/** One entry of pricing-data/rate-cards/cards.json: which file is which card, and where its numbers came from. */
export const cardManifestEntrySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: "id must be lower-case words joined by '-'" }),
  file: z.string().regex(/^[\w.-]+\.csv$/, { message: "file must be a plain .csv file name" }),
  currency: z.string().regex(/^[A-Z]{3}$/),
  effective_from: isoDateSchema,
  /** Last day the values are known to be in force; null = not stated. */
  last_day: isoDateSchema.nullable(),
  pricing_model: z.enum(["CBP", "PMP"]),
  source: z.string().min(1),
  source_date: isoDateSchema.nullable(),
  retrieved: isoDateSchema.nullable(),
  confidence: z.enum(["high", "medium", "low-medium", "low"]),
  partial: z.boolean(),
  notes: z.string(),
});
export type CardManifestEntry = z.infer<typeof cardManifestEntrySchema>;

export const cardManifestSchema = z.strictObject({
  $comment: z.string().optional(),
  cards: z.array(cardManifestEntrySchema).min(1),
});

/** A catalogued card: manifest metadata plus its parsed rows, with a market index for lookups. */
export interface RateCard {
  id: string;
  fileName: string;
  currency: string;
  effectiveFrom: string;
  lastDay: string | null;
  pricingModel: "CBP" | "PMP";
  source: string;
  sourceDate: string | null;
  retrieved: string | null;
  confidence: CardManifestEntry["confidence"];
  partial: boolean;
  notes: string;
  rows: RateCardRow[];
  byMarket: ReadonlyMap<string, RateCardRow>;
}

/**
 * Joins a manifest entry with its parsed CSV and checks they agree on currency and effective date,
 * so a mislabelled file can never be served under another card's id.
 */
export function buildRateCard(entry: CardManifestEntry, parsed: ParsedRateCard): RateCard {
  if (entry.file !== parsed.fileName) {
    throw new PricingDataError(`${parsed.fileName}: catalogued as "${entry.file}" for card ${entry.id}`);
  }
  if (entry.currency !== parsed.currency) {
    throw new PricingDataError(
      `${parsed.fileName}: currency ${parsed.currency} but cards.json says ${entry.currency} for ${entry.id}`,
    );
  }
  if (entry.effective_from !== parsed.effectiveFrom) {
    throw new PricingDataError(
      `${parsed.fileName}: effective_from ${parsed.effectiveFrom} but cards.json says ${entry.effective_from} for ${entry.id}`,
    );
  }
  if (entry.last_day !== null && entry.last_day < entry.effective_from) {
    throw new PricingDataError(`cards.json: ${entry.id} last_day ${entry.last_day} is before its effective_from`);
  }
  return {
    id: entry.id,
    fileName: entry.file,
    currency: entry.currency,
    effectiveFrom: entry.effective_from,
    lastDay: entry.last_day,
    pricingModel: entry.pricing_model,
    source: entry.source,
    sourceDate: entry.source_date,
    retrieved: entry.retrieved,
    confidence: entry.confidence,
    partial: entry.partial,
    notes: entry.notes,
    rows: parsed.rows,
    byMarket: new Map(parsed.rows.map((row) => [row.market, row])),
  };
}
