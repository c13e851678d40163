// Money: exact decimal ↔ micro-unit conversion and the single rounding rule, incl. property tests.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatMicros, MICROS_PER_UNIT, parseRateMicros, roundHalfUpDiv } from "~/pricing/money";

describe("parseRateMicros", () => {
  it.each([
    ["0.0625", 62_500n],
    ["0.68", 680_000n],
    ["0", 0n],
    ["0.000001", 1n],
    ["1", 1_000_000n],
    ["12.5", 12_500_000n],
    ["0.0304", 30_400n],
    ["007.10", 7_100_000n],
  ])("%s → %s µ", (text, micros) => {
    expect(parseRateMicros(text)).toBe(micros);
  });

  it.each([
    ["", "empty"],
    ["0.0000001", "7 decimals"],
    ["-0.01", "negative"],
    ["1e-4", "exponent"],
    ["0,0068", "decimal comma"],
    [".5", "no leading digit"],
    ["5.", "trailing dot"],
    [" 0.1", "space"],
    ["+0.1", "plus sign"],
    ["1,000.00", "thousands separator"],
    ["NaN", "not a number"],
  ])("rejects %j (%s) with a RangeError quoting the text", (text) => {
    expect(() => parseRateMicros(text)).toThrow(RangeError);
    expect(() => parseRateMicros(text)).toThrow(`"${text}"`);
  });

  it("sums exactly where floats drift: 10 000 × 0.0001 is exactly 1 unit, 0.1 + 0.2 is exactly 0.3", () => {
    let totalMicros = 0n;
    for (let i = 0; i < 10_000; i++) totalMicros += parseRateMicros("0.0001");
    expect(totalMicros).toBe(MICROS_PER_UNIT);
    expect(parseRateMicros("0.1") + parseRateMicros("0.2")).toBe(parseRateMicros("0.3"));
    // The float version of the same sum is not exact, which is why rates never pass through a number.
    let totalFloat = 0;
    for (let i = 0; i < 10_000; i++) totalFloat += 0.0001;
    expect(totalFloat).not.toBe(1);
  });
});

describe("formatMicros", () => {
  it.each([
    [62_500n, "USD", "0.0625"],
    [680_000n, "USD", "0.68"],
    [1_000_000n, "USD", "1.00"],
    [0n, "USD", "0.00"],
    [1n, "USD", "0.000001"],
    [30_400n, "USD", "0.0304"],
    [-62_500n, "USD", "-0.0625"],
    [12_000_000n, "CLP", "12"],
    [12_500_000n, "IDR", "12.5"],
    [1_000n, "BHD", "0.001"],
    [123_456_789_012_345_678n, "USD", "123456789012.345678"],
  ])("%s µ %s → %s", (micros, currency, text) => {
    expect(formatMicros(micros, currency)).toBe(text);
  });

  it("rejects a currency that is not an ISO code", () => {
    expect(() => formatMicros(1n, "$US")).toThrow(RangeError);
  });

  it("parse ∘ format is the identity on non-negative micros (any currency precision)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 24n }),
        fc.constantFrom("USD", "CLP", "IDR", "BHD", "EUR"),
        (micros, currency) => parseRateMicros(formatMicros(micros, currency)) === micros,
      ),
    );
  });

  it("format ∘ parse keeps the value of any valid decimal string", () => {
    const decimal = fc
      .tuple(fc.stringMatching(/^\d{1,12}$/), fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: undefined }))
      .map(([whole, fraction]) => (fraction === undefined ? whole : `${whole}.${fraction}`));
    fc.assert(
      fc.property(decimal, (text) => {
        const micros = parseRateMicros(text);
        return parseRateMicros(formatMicros(micros, "USD")) === micros;
      }),
    );
  });

  it("sums of parsed rates format exactly", () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { maxLength: 50 }), (parts) => {
        const texts = parts.map((p) => formatMicros(p, "USD"));
        const sum = texts.reduce((acc, t) => acc + parseRateMicros(t), 0n);
        return sum === parts.reduce((acc, p) => acc + p, 0n);
      }),
    );
  });
});

describe("roundHalfUpDiv", () => {
  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [5n, -2n, -3n],
    [4n, 3n, 1n],
    [-4n, 3n, -1n],
    [7n, 2n, 4n],
    [1n, 3n, 0n],
    [2n, 3n, 1n],
    [0n, 7n, 0n],
    [10n, 5n, 2n],
  ])("%s / %s → %s", (n, d, q) => {
    expect(roundHalfUpDiv(n, d)).toBe(q);
  });

  it("throws on division by zero", () => {
    expect(() => roundHalfUpDiv(1n, 0n)).toThrow(RangeError);
  });

  it("is within half a unit, ties away from zero, and symmetric in sign", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (n, d) => {
          const q = roundHalfUpDiv(n, d);
          const twiceError = 2n * (n - q * d); // 2·(n/d − q)·d
          const withinHalf = twiceError <= d && twiceError >= -d;
          const tieAwayFromZero =
            twiceError !== d && twiceError !== -d ? true : n >= 0n ? twiceError === -d : twiceError === d;
          return withinHalf && tieAwayFromZero && roundHalfUpDiv(-n, d) === -q;
        },
      ),
    );
  });
});
