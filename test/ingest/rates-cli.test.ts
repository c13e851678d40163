// `waba-ledger rates list | diff | import` as real processes; imports go into a temp copy of pricing-data only.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { loadRateCards, PRICING_DATA_DIR } from "../../pricing-data/load";

const ROOT = path.resolve(__dirname, "../..");
const temps: string[] = [];

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, "bin/waba-ledger.js"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "waba-rates-"));
  temps.push(dir);
  return dir;
}

/** A private copy of pricing-data/rate-cards: the repository's own cards are never written by these tests. */
function pricingCopy(): string {
  const dir = tempDir();
  fs.cpSync(path.join(PRICING_DATA_DIR, "rate-cards"), path.join(dir, "rate-cards"), { recursive: true });
  return dir;
}

afterAll(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

const META_CSV = [
  "WhatsApp Business Platform,,,,,,",
  "Per-message rates, USD, effective October 1, 2026,,,,,",
  ",,,,,,",
  'Market,Currency,Marketing,Utility,Authentication,"Authentication-',
  'International",Service',
  "Colombia,$US,0.0125,0.0008,0.0008,n/a,0.0008",
  "Mexico,$US,0.0305,0.0085,0.0085,,0.0085",
  "North America,$US,0.0250,0.0034,0.0034,,0.0034",
  "",
].join("\r\n");

describe("rates list", () => {
  it("lists every card with its provenance as JSON", () => {
    const r = cli("rates", "list", "--json");
    expect(r.code).toBe(0);
    const { cards } = JSON.parse(r.stdout);
    expect(cards.map((c: { id: string }) => c.id)).toEqual(loadRateCards().map((c) => c.id));
    expect(cards.find((c: { id: string }) => c.id === "meta-usd-pmp-2026-01-01")).toMatchObject({
      currency: "USD",
      effective_from: "2026-01-01",
      model: "PMP",
      rows: 32,
      confidence: "medium",
      partial: false,
    });
    expect(cards[0].source).toMatch(/Cost per conversation in USD/);
  });

  it("prints a table for people", () => {
    const r = cli("rates", "list");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/meta-usd-pmp-2025-07-01\s+USD\s+2025-07-01\s+PMP\s+32\s+low-medium\s+partial/);
  });
});

describe("rates diff", () => {
  it("gives per market × category the two rates, the change in micros and percent", () => {
    const r = cli("rates", "diff", "meta-usd-pmp-2025-07-01", "meta-usd-pmp-2026-01-01", "--json");
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout);
    const change = (market: string, category: string) =>
      diff.changed.find((c: { market: string; category: string }) => c.market === market && c.category === category);
    expect(change("Colombia", "utility")).toEqual({
      market: "Colombia",
      category: "utility",
      a: "0.0002",
      b: "0.0008",
      change_micros: 600,
      change_pct: 300,
    });
    expect(change("Mexico", "marketing")).toMatchObject({ a: "0.0436", b: "0.0305", change_micros: -13_100 });
    expect(change("Mexico", "marketing").change_pct).toBe(-30.05);
    // Published only in the newer card: no change can be computed.
    expect(change("Spain", "marketing")).toMatchObject({ a: null, b: "0.0615", change_micros: null, change_pct: null });
    expect(change("Brazil", "marketing")).toBeUndefined(); // 0.0625 in both
    expect(diff.added_markets).toEqual([]);
    expect(diff.removed_markets).toEqual([]);
  });

  it("lists markets present in only one card", () => {
    const r = cli("rates", "diff", "meta-usd-cbp-2024-11-01", "meta-usd-pmp-2026-01-01", "--json");
    expect(r.code).toBe(0);
    const diff = JSON.parse(r.stdout);
    expect(diff.added_markets).toContain("North America");
    expect(diff.removed_markets).toEqual(expect.arrayContaining(["United States", "Canada"]));
  });

  it("prints the changes for people, and refuses unknown ids with exit 2", () => {
    const r = cli("rates", "diff", "meta-usd-pmp-2025-07-01", "meta-usd-pmp-2026-01-01");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Colombia\s+utility\s+0\.0002\s+0\.0008\s+\+600 µUSD\s+\+300%/);
    const bad = cli("rates", "diff", "meta-usd-pmp-2025-07-01", "nope");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^waba-ledger: no rate card "nope" \(known: /);
  });
});

describe("rates import", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = pricingCopy();
    file = path.join(tempDir(), "whatsapp-rates-usd.csv");
    fs.writeFileSync(file, META_CSV);
  });

  it("writes a new card in our layout, appends it to cards.json, and the loader accepts it", () => {
    const r = cli("rates", "import", file, "--dir", dir, "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.card).toMatchObject({
      id: "meta-usd-pmp-2026-10-01",
      file: "meta-usd-pmp-2026-10-01.csv",
      currency: "USD",
      effective_from: "2026-10-01",
      pricing_model: "PMP",
      confidence: "high",
      partial: false,
    });
    expect(out.rows).toBe(3);
    expect(fs.readFileSync(path.join(dir, "rate-cards/meta-usd-pmp-2026-10-01.csv"), "utf8")).toBe(
      [
        "market,currency,marketing,utility,authentication,authentication_international,service,effective_from",
        "Colombia,USD,0.0125,0.0008,0.0008,,0.0008,2026-10-01",
        "Mexico,USD,0.0305,0.0085,0.0085,,0.0085,2026-10-01",
        "North America,USD,0.0250,0.0034,0.0034,,0.0034,2026-10-01",
        "",
      ].join("\n"),
    );
    const cards = loadRateCards(dir);
    expect(cards.at(-1)!.byMarket.get("Mexico")!.rateMicros.service).toBe(8_500n);
    expect(cli("rates", "list", "--dir", dir, "--json").stdout).toContain("meta-usd-pmp-2026-10-01");
  });

  it("refuses to overwrite: same id, or same currency and date; the folder is left as it was", () => {
    expect(cli("rates", "import", file, "--dir", dir).code).toBe(0);
    const manifest = fs.readFileSync(path.join(dir, "rate-cards/cards.json"), "utf8");
    const again = cli("rates", "import", file, "--dir", dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      "waba-ledger: card meta-usd-pmp-2026-10-01 already exists (meta-usd-pmp-2026-10-01.csv); cards are immutable, pick another --id\n",
    );
    const sameDate = cli("rates", "import", file, "--dir", dir, "--id", "meta-usd-pmp-2026-10-01-v2");
    expect(sameDate.code).toBe(1);
    expect(sameDate.stderr).toMatch(/^waba-ledger: card meta-usd-pmp-2026-10-01 already covers USD from 2026-10-01;/);
    const existing = cli("rates", "import", file, "--dir", dir, "--effective", "2026-01-01", "--id", "x-2026");
    expect(existing.stderr).toMatch(/card meta-usd-pmp-2026-01-01 already covers USD from 2026-01-01/);
    expect(fs.readFileSync(path.join(dir, "rate-cards/cards.json"), "utf8")).toBe(manifest);
    expect(fs.existsSync(path.join(dir, "rate-cards/x-2026.csv"))).toBe(false);
  });

  it("takes --effective, --model, --id, --confidence and --source", () => {
    const r = cli(
      "rates",
      "import",
      file,
      "--dir",
      dir,
      "--effective",
      "2026-11-01",
      "--model",
      "PMP",
      "--id",
      "meta-usd-pmp-2026-11-01-test",
      "--confidence",
      "medium",
      "--source",
      "Meta pricing page CSV",
      "--json",
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).card).toMatchObject({
      id: "meta-usd-pmp-2026-11-01-test",
      effective_from: "2026-11-01",
      confidence: "medium",
      source: "Meta pricing page CSV",
    });
    expect(cli("rates", "import", file, "--dir", dir, "--model", "XYZ").code).toBe(2);
  });

  it("reports a bad Meta CSV with file, line and column and writes nothing", () => {
    fs.writeFileSync(file, META_CSV.replace("Mexico,$US,0.0305", "Mexico,$US,0,0305"));
    const before = fs.readdirSync(path.join(dir, "rate-cards"));
    const r = cli("rates", "import", file, "--dir", dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'waba-ledger: whatsapp-rates-usd.csv line 7, column #8: "0.0085" beyond the header\'s 7 columns\n',
    );
    expect(fs.readdirSync(path.join(dir, "rate-cards"))).toEqual(before);
  });
});
