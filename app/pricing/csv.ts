// Strict CSV reading for pricing data: exact header, one record per physical line, errors naming file and line.
import Papa from "papaparse";

/** One data record with its 1-based line number in the file (the header is line 1). */
export interface CsvRecord<Column extends string> {
  line: number;
  values: Record<Column, string>;
}

/** Error for bad pricing data; the message always starts with the file name (and line/column when known). */
export class PricingDataError extends Error {
  override name = "PricingDataError";
}

export function where(fileName: string, line?: number, column?: string): string {
  return `${fileName}${line === undefined ? "" : ` line ${line}`}${column === undefined ? "" : `, column ${column}`}`;
}

/**
 * Parses `csvText` whose header must hold exactly `columns` (any order). Blank lines are skipped.
 * Line breaks inside quoted cells are rejected: pricing files don't need them, and without them a
 * record's index is its line number, which is what error messages must point at.
 */
export function readCsvRecords<Column extends string>(
  csvText: string,
  fileName: string,
  columns: readonly Column[],
): CsvRecord<Column>[] {
  const text = csvText.startsWith("\uFEFF") ? csvText.slice(1) : csvText;
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: "," });
  const fatal = parsed.errors.find((e) => e.type === "Quotes" || e.type === "Delimiter");
  if (fatal) {
    throw new PricingDataError(`${where(fileName, (fatal.row ?? 0) + 1)}: ${fatal.message}`);
  }
  const rows = parsed.data;
  const header = rows[0];
  if (!header || header.every((cell) => cell.trim() === "")) {
    throw new PricingDataError(`${fileName}: empty file, expected header ${columns.join(",")}`);
  }
  const known = new Set<string>(columns);
  const seen = new Set<string>();
  for (const cell of header) {
    if (!known.has(cell)) {
      throw new PricingDataError(`${where(fileName, 1)}: unknown column "${cell}" (expected ${columns.join(",")})`);
    }
    if (seen.has(cell)) throw new PricingDataError(`${where(fileName, 1)}: duplicate column "${cell}"`);
    seen.add(cell);
  }
  const missing = columns.filter((c) => !seen.has(c));
  if (missing.length > 0) {
    throw new PricingDataError(`${where(fileName, 1)}: missing column(s) ${missing.join(", ")}`);
  }

  const records: CsvRecord<Column>[] = [];
  rows.forEach((cells, index) => {
    const line = index + 1;
    if (index === 0) return;
    if (cells.length === 1 && cells[0]?.trim() === "") return; // blank line
    if (cells.some((cell) => cell.includes("\n") || cell.includes("\r"))) {
      throw new PricingDataError(`${where(fileName, line)}: line break inside a quoted cell is not supported`);
    }
    if (cells.length !== header.length) {
      throw new PricingDataError(
        `${where(fileName, line)}: ${cells.length} fields, expected ${header.length} (${header.join(",")})`,
      );
    }
    const values = {} as Record<Column, string>;
    header.forEach((column, i) => {
      values[column as Column] = cells[i] ?? "";
    });
    records.push({ line, values });
  });
  return records;
}

/** True for a real calendar date written YYYY-MM-DD (rejects 2025-02-30). */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
