// Calling-code prefix → ISO country, built from libphonenumber-js metadata (not a hand-kept table).
// Keys are prefix-free ('1' + area code, '7' + one digit, else the ITU code), so ingest tries lengths 2, 3 and 4.
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
