// The calling-code table ingest joins on: built from libphonenumber-js metadata, prefix-free, right for shared codes.
import { describe, expect, it } from "vitest";
import { buildPhonePrefixes } from "../../../app/.server/db/phone-prefixes";

const table = new Map(buildPhonePrefixes());
/** What ingest does: try the 2-, 3- and 4-digit heads of the number. */
const countryOf = (digits: string) =>
  table.get(digits.slice(0, 2)) ?? table.get(digits.slice(0, 3)) ?? table.get(digits.slice(0, 4));

describe("phone prefixes", () => {
  it("is prefix-free, so at most one head of a number matches", () => {
    const keys = [...table.keys()];
    for (const k of keys) for (const other of keys) if (k !== other) expect(other.startsWith(k)).toBe(false);
  });

  it("maps shared codes by their leading digits", () => {
    expect(countryOf("5511987654321")).toBe("BR");
    expect(countryOf("16505551234")).toBe("US");
    expect(countryOf("14165550123")).toBe("CA");
    expect(countryOf("18092345678")).toBe("DO");
    expect(countryOf("18762345678")).toBe("JM");
    expect(countryOf("17872345678")).toBe("PR");
    expect(countryOf("77012345678")).toBe("KZ");
    expect(countryOf("74951234567")).toBe("RU");
    expect(countryOf("447911123456")).toBe("GB");
    expect(countryOf("2348031234567")).toBe("NG");
    expect(countryOf("263771234567")).toBe("ZW");
  });
});
