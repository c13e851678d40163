// Money as integer micro-units of a currency: exact decimal parsing, exact formatting, and the one rounding rule.

/** Micro-units per currency unit: 1 USD = 1_000_000 micro-USD. */
export const MICROS_PER_UNIT = 1_000_000n;
const MICRO_DIGITS = 6;

// Digits, optionally a dot and 1–6 more digits. No sign, exponent, thousands separator or bare ".5":
// rates come from files as text and must never pass through a float.
const DECIMAL_RATE = /^(\d+)(?:\.(\d+))?$/;

/**
 * Exact decimal string → integer micro-units of the currency ("0.0625" → 62_500n, "0.68" → 680_000n).
 * Throws a RangeError naming the text for anything that is not a non-negative decimal with ≤ 6 decimals.
 */
export function parseRateMicros(decimal: string): bigint {
  const match = DECIMAL_RATE.exec(decimal);
  if (!match) {
    throw new RangeError(
      `"${decimal}" is not a decimal rate: expected digits with an optional "." fraction, no sign, exponent or separators`,
    );
  }
  const whole = match[1] ?? "0";
  const fraction = match[2] ?? "";
  if (fraction.length > MICRO_DIGITS) {
    throw new RangeError(
      `"${decimal}" is not a decimal rate: ${fraction.length} decimals, at most ${MICRO_DIGITS} fit in micro-units`,
    );
  }
  return BigInt(whole) * MICROS_PER_UNIT + BigInt(fraction.padEnd(MICRO_DIGITS, "0"));
}

// Minor-unit digits per currency (USD 2, IDR/CLP 0, BHD 3) from the runtime's ISO 4217 data, cached.
const minorDigitsCache = new Map<string, number>();
function minorUnitDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits === undefined) {
    if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`"${currency}" is not an ISO 4217 currency code`);
    digits =
      new Intl.NumberFormat("en-US", { style: "currency", currency }).resolvedOptions().minimumFractionDigits ?? 2;
    minorDigitsCache.set(currency, digits);
  }
  return digits;
}

/**
 * Integer micro-units → decimal string exact to the micro, without symbol or grouping ("0.0625", "1.00").
 * Never rounds: trailing zeros are trimmed only down to the currency's minor unit (USD "0.68", CLP "12"),
 * so `parseRateMicros(formatMicros(x, c)) === x` for every x ≥ 0.
 */
export function formatMicros(micros: bigint, currency: string): string {
  const minDigits = minorUnitDigits(currency);
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / MICROS_PER_UNIT;
  let fraction = (abs % MICROS_PER_UNIT).toString().padStart(MICRO_DIGITS, "0");
  while (fraction.length > minDigits && fraction.endsWith("0")) fraction = fraction.slice(0, -1);
  return `${negative ? "-" : ""}${whole}${fraction.length > 0 ? `.${fraction}` : ""}`;
}

/**
 * The single rounding rule of the pricing engine: integer division rounded half-up, where "up" means away
 * from zero (Java's RoundingMode.HALF_UP): 5/2 → 3, -5/2 → -3, 4/3 → 1. Everything that divides micros
 * (averages, pro-rating, FX if ever) goes through here so the rule lives in one place.
 */
export function roundHalfUpDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new RangeError("roundHalfUpDiv: division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const quotient = n / d;
  // Compare 2·remainder with the divisor instead of using fractions: exact for any size.
  const rounded = 2n * (n % d) >= d ? quotient + 1n : quotient;
  return negative ? -rounded : rounded;
}
