// Calling-code prefix → ISO country, built from libphonenumber-js metadata (not a hand-kept table).
// Prefixes are prefix-free per length rule used by ingest's SQL: '1' + area code, '7' + one digit, else the code.
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from "libphonenumber-js/max";

/** Returns [prefix, iso2] pairs: NANP by area code, +7 split Russia/Kazakhstan, every other code → its main country. */
export function buildPhonePrefixes(): Array<[string, string]> {
  const out = new Map<string, string>();
  const byCode = new Map<string, CountryCode[]>();
  for (const country of getCountries()) {
    const code = getCountryCallingCode(country);
    byCode.set(code, [...(byCode.get(code) ?? []), country]);
  }
  for (const [code, countries] of byCode) {
    if (code === "1" || code === "7") continue;
    // The main country of a shared code is the one libphonenumber resolves a bare code number to.
    const main = parsePhoneNumberFromString(`+${code}2012345678`)?.country ?? countries[0];
    if (main) out.set(code, main);
  }
  for (let npa = 200; npa < 1000; npa++) {
    out.set(`1${npa}`, parsePhoneNumberFromString(`+1${npa}2345678`)?.country ?? "US");
  }
  for (let d = 0; d <= 9; d++) {
    out.set(`7${d}`, parsePhoneNumberFromString(`+7${d}12345678`)?.country ?? (d === 6 || d === 7 ? "KZ" : "RU"));
  }
  return [...out].sort(([a], [b]) => a.localeCompare(b));
}

/** The SQL expression that cuts a digits-only phone column down to its key in phone_prefixes. */
export function prefixKeySql(column: string, twoDigitCodes: readonly string[]): string {
  const two = twoDigitCodes.map((c) => `'${c}'`).join(",");
  return `CASE WHEN ${column} IS NULL OR ${column} = '' THEN NULL
    WHEN left(${column}, 1) = '1' THEN left(${column}, 4)
    WHEN left(${column}, 1) = '7' THEN left(${column}, 2)
    WHEN left(${column}, 2) IN (${two}) THEN left(${column}, 2)
    ELSE left(${column}, 3) END`;
}

export function twoDigitCallingCodes(): string[] {
  return [...new Set(getCountries().map((c) => getCountryCallingCode(c)))].filter((c) => c.length === 2).sort();
}
