// Checks the demo traffic generator: determinism, coverage (accounts, markets, categories, eras), invariants, speed.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ACCOUNTS, DEMO_BAD_LINES, demoLines, demoRange, writeDemoFile } from "../../../ingest/demo/generate";

const NOW = new Date("2026-11-22T15:30:00Z");
const sec = (iso: string) => Date.parse(iso) / 1000;

// Meta's market for each country the demo uses (domain/country-markets.csv).
const MARKET: Record<string, string> = {
  BR: "Brazil",
  MX: "Mexico",
  CO: "Colombia",
  AR: "Argentina",
  US: "North America",
  CA: "North America",
  DO: "Rest of Latin America",
  ES: "Spain",
  IT: "Italy",
  TR: "Turkey",
  IN: "India",
  AE: "United Arab Emirates",
  SA: "Saudi Arabia",
  GB: "United Kingdom",
  ID: "Indonesia",
  PK: "Pakistan",
  DE: "Germany",
  NG: "Nigeria",
  EG: "Egypt",
  ZA: "South Africa",
  KE: "Rest of Africa",
};

interface Status {
  id?: string;
  status: string;
  timestamp: string;
  recipient_id: string;
  conversation?: { id: string; expiration_timestamp?: string; origin: { type: string } };
  pricing?: { billable: boolean; pricing_model: string; type?: string; category: string };
  errors?: Array<{ code: number }>;
}

/** Everything the assertions need, gathered in one streaming pass so 200k lines never sit in memory as objects. */
interface Summary {
  lines: number;
  unparsable: number;
  notWebhook: number;
  statusWithoutId: number;
  verbatimDuplicates: number;
  reorderedPayloads: number;
  statusPosts: number;
  batchedPosts: number;
  maxBatch: number;
  wabas: Set<string>;
  phoneNumberIds: Set<string>;
  countries: Map<string, number>;
  validRecipients: number;
  recipients: number;
  pricingCategories: Set<string>;
  pricingModels: Set<string>;
  pmpTypes: Set<string>;
  originTypes: Set<string>;
  fields: Map<string, number>;
  events: Set<string>;
  entryTimesAreIntegers: boolean;
  nonStringTimestamps: number;
  minTs: number;
  maxTs: number;
  sentPerMessage: Map<string, number>;
  pricedFollowUps: Map<string, number>;
  failedWithPricing: number;
  sentWithoutPricing: number;
  failed: number;
  outbound: number;
  errorCodes: Map<number, number>;
  usMarketingDelivered: number;
  stops: Map<string, number>;
  optOutFailures: Array<{ key: string; ts: number }>;
  cbpConversationUses: Map<string, number>;
  v24WithoutConversation: number;
  paidServiceAfterOct2026: number;
  freeServiceAfterOct2026: number;
  cbpAfterSwitch: number;
  inboundTypes: Set<string>;
  ctwaReferrals: number;
  systemErrors: number;
  legacyQualityEvents: Array<{ event: string; time: number }>;
  localWeekday: Map<string, number[]>;
  sentPerMonth: Map<string, number>;
  userTexts: string[];
}

function summarize(lines: Iterable<string>): Summary {
  const s: Summary = {
    lines: 0,
    unparsable: 0,
    notWebhook: 0,
    statusWithoutId: 0,
    verbatimDuplicates: 0,
    reorderedPayloads: 0,
    statusPosts: 0,
    batchedPosts: 0,
    maxBatch: 0,
    wabas: new Set(),
    phoneNumberIds: new Set(),
    countries: new Map(),
    validRecipients: 0,
    recipients: 0,
    pricingCategories: new Set(),
    pricingModels: new Set(),
    pmpTypes: new Set(),
    originTypes: new Set(),
    fields: new Map(),
    events: new Set(),
    entryTimesAreIntegers: true,
    nonStringTimestamps: 0,
    minTs: Number.POSITIVE_INFINITY,
    maxTs: 0,
    sentPerMessage: new Map(),
    pricedFollowUps: new Map(),
    failedWithPricing: 0,
    sentWithoutPricing: 0,
    failed: 0,
    outbound: 0,
    errorCodes: new Map(),
    usMarketingDelivered: 0,
    stops: new Map(),
    optOutFailures: [],
    cbpConversationUses: new Map(),
    v24WithoutConversation: 0,
    paidServiceAfterOct2026: 0,
    freeServiceAfterOct2026: 0,
    cbpAfterSwitch: 0,
    inboundTypes: new Set(),
    ctwaReferrals: 0,
    systemErrors: 0,
    legacyQualityEvents: [],
    localWeekday: new Map(),
    sentPerMonth: new Map(),
    userTexts: [],
  };
  const seen = new Set<string>();
  const seenStatuses = new Set<string>();
  const countryCache = new Map<string, string | undefined>();
  const zoneOffsetHours = new Map(
    DEMO_ACCOUNTS.map((a) => [
      a.wabaId,
      a.timeZone === "Asia/Kolkata" ? 5.5 : a.timeZone === "America/Sao_Paulo" ? -3 : 1,
    ]),
  );
  const countryOf = (digits: string) => {
    if (!countryCache.has(digits)) {
      const p = parsePhoneNumberFromString(`+${digits}`);
      countryCache.set(digits, p?.isValid() ? p.country : undefined);
    }
    return countryCache.get(digits);
  };
  const inc = <K>(m: Map<K, number>, k: K, by = 1) => m.set(k, (m.get(k) ?? 0) + by);

  for (const line of lines) {
    s.lines++;
    const hash = createHash("md5").update(line).digest("base64");
    if (seen.has(hash)) {
      s.verbatimDuplicates++;
      continue;
    }
    seen.add(hash);
    if (line.startsWith('{"entry"') && line.includes('"statuses"')) s.reorderedPayloads++;
    // biome-ignore lint/suspicious/noExplicitAny: webhook payloads are checked field by field below
    let body: any;
    try {
      body = JSON.parse(line);
    } catch {
      s.unparsable++;
      continue;
    }
    if (body?.object !== "whatsapp_business_account" || !Array.isArray(body.entry)) {
      s.notWebhook++;
      continue;
    }
    for (const entry of body.entry) {
      s.wabas.add(entry.id);
      if (entry.time !== undefined && !Number.isInteger(entry.time)) s.entryTimesAreIntegers = false;
      for (const change of entry.changes) {
        const v = change.value;
        inc(s.fields, change.field);
        if (v.event) s.events.add(`${change.field}:${v.event}${v.other_info ? `:${v.other_info.title}` : ""}`);
        if (change.field === "phone_number_quality_update")
          s.legacyQualityEvents.push({ event: v.event, time: entry.time });
        if (change.field !== "messages" && change.field !== "user_preferences" && !Number.isInteger(entry.time)) {
          s.entryTimesAreIntegers = false;
        }
        if (v.metadata) s.phoneNumberIds.add(v.metadata.phone_number_id);
        for (const p of v.user_preferences ?? []) {
          // The first stop counts: every later 131050 for that user must come after it.
          const key = `${entry.id}|${p.wa_id}`;
          if (p.value === "stop" && !s.stops.has(key)) s.stops.set(key, p.timestamp);
        }
        if (change.field === "messages" && v.errors && !v.statuses && !v.messages) s.systemErrors++;
        for (const m of v.messages ?? []) {
          s.inboundTypes.add(m.type);
          if (m.referral?.source_type === "ad" && m.referral.ctwa_clid) s.ctwaReferrals++;
          if (m.type === "text") s.userTexts.push(m.text.body);
        }
        const statuses: Status[] = v.statuses ?? [];
        if (statuses.length > 0) {
          s.statusPosts++;
          if (statuses.length > 1) s.batchedPosts++;
          s.maxBatch = Math.max(s.maxBatch, statuses.length);
        }
        for (const st of statuses) {
          if (!st.id) {
            s.statusWithoutId++;
            continue;
          }
          // A retry re-serialised with another key order is the same status: count it once.
          const statusKey = `${st.id}|${st.status}|${st.timestamp}`;
          if (seenStatuses.has(statusKey)) continue;
          seenStatuses.add(statusKey);
          if (typeof st.timestamp !== "string") s.nonStringTimestamps++;
          const ts = Number(st.timestamp);
          s.minTs = Math.min(s.minTs, ts);
          s.maxTs = Math.max(s.maxTs, ts);
          const country = countryOf(st.recipient_id);
          const p = st.pricing;
          if (p) {
            s.pricingCategories.add(p.category);
            s.pricingModels.add(p.pricing_model);
            if (p.pricing_model === "PMP" && p.type) s.pmpTypes.add(p.type);
            if (p.pricing_model === "CBP" && ts > sec("2025-07-02T00:00:00Z")) s.cbpAfterSwitch++;
            if (p.category === "service" && ts >= sec("2026-10-02T00:00:00Z")) {
              if (p.type === "regular" && p.billable) s.paidServiceAfterOct2026++;
              if (p.type === "free_customer_service") s.freeServiceAfterOct2026++;
            }
          }
          if (st.conversation) s.originTypes.add(st.conversation.origin.type);
          if (st.status === "sent" || st.status === "failed") s.outbound++;
          if (st.status === "sent") {
            inc(s.sentPerMessage, st.id);
            if (!p) s.sentWithoutPricing++;
            s.recipients++;
            if (country) {
              s.validRecipients++;
              inc(s.countries, country);
            }
            const local = new Date((ts + (zoneOffsetHours.get(entry.id) ?? 0) * 3600) * 1000);
            if (p?.category === "utility") {
              // Campaign days differ per business, so weekly seasonality is judged on transactional traffic.
              const perDow = s.localWeekday.get(entry.id) ?? [0, 0, 0, 0, 0, 0, 0];
              perDow[local.getUTCDay()] = (perDow[local.getUTCDay()] ?? 0) + 1;
              s.localWeekday.set(entry.id, perDow);
            }
            inc(s.sentPerMonth, local.toISOString().slice(0, 7));
            if (p?.pricing_model === "CBP" && st.conversation) inc(s.cbpConversationUses, st.conversation.id);
            if (p?.pricing_model === "PMP" && !st.conversation && ts > sec("2026-02-03T00:00:00Z"))
              s.v24WithoutConversation++;
          }
          if ((st.status === "delivered" || st.status === "read") && p) {
            inc(s.pricedFollowUps, st.id);
            if (country === "US" && p.category.startsWith("marketing") && ts > sec("2025-04-01T00:00:00Z"))
              s.usMarketingDelivered++;
          }
          if (st.status === "failed") {
            s.failed++;
            if (p) s.failedWithPricing++;
            const code = st.errors?.[0]?.code ?? 0;
            inc(s.errorCodes, code);
            if (code === 131050) s.optOutFailures.push({ key: `${entry.id}|${st.recipient_id}`, ts });
          }
        }
      }
    }
  }
  return s;
}

describe("demo traffic generator", () => {
  let s: Summary;
  let firstRunHash: string;

  beforeAll(() => {
    const hash = createHash("sha256");
    const lines: string[] = [];
    for (const line of demoLines({ now: NOW })) {
      hash.update(line);
      hash.update("\n");
      lines.push(line);
    }
    firstRunHash = hash.digest("hex");
    s = summarize(lines);
  }, 120_000);

  it("is deterministic: the same options give byte-identical output, another seed differs", () => {
    const again = createHash("sha256");
    for (const line of demoLines({ now: NOW })) {
      again.update(line);
      again.update("\n");
    }
    expect(again.digest("hex")).toBe(firstRunHash);
    const small = [...demoLines({ now: NOW, targetLines: 3000, seed: 7 })];
    expect([...demoLines({ now: NOW, targetLines: 3000, seed: 7 })]).toEqual(small);
    expect([...demoLines({ now: NOW, targetLines: 3000, seed: 8 })]).not.toEqual(small);
  });

  it("yields the default volume of about 200,000 lines", () => {
    expect(s.lines).toBe(200_000);
  });

  it("spans the PMP switch: the default range starts before 2025-07-01 and ends now", () => {
    const { from, to } = demoRange({ now: NOW });
    expect(from.toISOString()).toBe("2025-04-01T00:00:00.000Z");
    expect(to.getTime()).toBe(NOW.getTime());
    expect(from.getTime()).toBeLessThan(Date.parse("2025-07-01T00:00:00Z"));
    expect(demoRange({ now: NOW, months: 3 }).from.toISOString()).toBe("2026-09-01T00:00:00.000Z");
    expect(s.minTs).toBeGreaterThanOrEqual(from.getTime() / 1000);
    expect(s.maxTs).toBeLessThanOrEqual(NOW.getTime() / 1000);
    // The output runs right up to `now`, not hours short of it.
    expect(NOW.getTime() / 1000 - s.maxTs).toBeLessThan(6 * 3600);
  });

  it("covers at least 3 WABAs in different zones and currencies and 6 phone numbers", () => {
    expect(DEMO_ACCOUNTS.length).toBeGreaterThanOrEqual(3);
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.timeZone)).size).toBe(DEMO_ACCOUNTS.length);
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.currency)).size).toBeGreaterThanOrEqual(3);
    const numbers = DEMO_ACCOUNTS.flatMap((a) => a.phoneNumbers.map((n) => n.phoneNumberId));
    expect(numbers.length).toBeGreaterThanOrEqual(6);
    for (const a of DEMO_ACCOUNTS) expect(s.wabas).toContain(a.wabaId);
    for (const id of numbers) expect(s.phoneNumberIds).toContain(id);
  });

  it("sends to real-looking mobile numbers in 12+ markets", () => {
    expect(s.validRecipients / s.recipients).toBeGreaterThan(0.99);
    const markets = new Set([...s.countries.keys()].map((iso) => MARKET[iso] ?? iso));
    expect(markets.size).toBeGreaterThanOrEqual(12);
    for (const iso of ["BR", "IN", "MX", "ID", "DE", "GB", "NG", "CO", "SA", "US", "DO", "EG"])
      expect(s.countries.get(iso) ?? 0).toBeGreaterThan(0);
  });

  it("has every pricing category, both pricing models and all PMP types", () => {
    for (const category of [
      "marketing",
      "utility",
      "authentication",
      "authentication-international",
      "service",
      "marketing_lite",
      "referral_conversion",
    ]) {
      expect(s.pricingCategories).toContain(category);
    }
    expect(s.pricingModels).toEqual(new Set(["CBP", "PMP"]));
    expect(s.pmpTypes).toEqual(new Set(["regular", "free_customer_service", "free_entry_point"]));
    expect(s.originTypes).toContain("authentication_international");
    expect(s.originTypes).toContain("referral_conversion");
  });

  it("uses each era's shapes: shared CBP conversations, v24 without conversation, paid service from 2026-10", () => {
    const shared = [...s.cbpConversationUses.values()].filter((n) => n > 1).length;
    expect(shared).toBeGreaterThan(0);
    expect(s.v24WithoutConversation).toBeGreaterThan(0);
    expect(s.paidServiceAfterOct2026).toBeGreaterThan(0);
    expect(s.freeServiceAfterOct2026).toBe(0);
    // Only the switch edge case (utility conversations still open) reports CBP after 2025-07-01.
    expect(s.cbpAfterSwitch).toBeLessThan(200);
  });

  it("gives each message a unique wamid and pricing on sent plus exactly one of delivered/read", () => {
    expect([...s.sentPerMessage.values()].filter((n) => n !== 1)).toEqual([]);
    expect([...s.pricedFollowUps.values()].filter((n) => n !== 1)).toEqual([]);
    expect(s.sentWithoutPricing).toBe(0);
    expect(s.failedWithPricing).toBe(0);
    expect(s.nonStringTimestamps).toBe(0);
  });

  it("fails 2-4% of sends with real codes, US marketing always, 131050 only after an opt-out", () => {
    const share = s.failed / s.outbound;
    expect(share).toBeGreaterThan(0.02);
    expect(share).toBeLessThan(0.04);
    for (const code of [131049, 131026, 131047, 131050, 130472, 131056, 132015])
      expect(s.errorCodes.get(code) ?? 0).toBeGreaterThan(0);
    expect(s.usMarketingDelivered).toBe(0);
    expect(s.optOutFailures.length).toBeGreaterThan(0);
    for (const f of s.optOutFailures) {
      const stoppedAt = s.stops.get(f.key);
      expect(stoppedAt).toBeDefined();
      expect(f.ts).toBeGreaterThanOrEqual(stoppedAt ?? Number.POSITIVE_INFINITY);
    }
  });

  it("batches some statuses, and repeats some payloads verbatim or with another key order", () => {
    const batched = s.batchedPosts / s.statusPosts;
    expect(batched).toBeGreaterThan(0.02);
    expect(batched).toBeLessThan(0.1);
    expect(s.maxBatch).toBeGreaterThan(5);
    expect(s.maxBatch).toBeLessThanOrEqual(20);
    expect(s.verbatimDuplicates).toBeGreaterThan(0);
    expect(s.reorderedPayloads).toBeGreaterThan(0);
  });

  it("contains inbound traffic, ads and opt-outs with bland texts", () => {
    for (const type of ["text", "image", "button", "interactive", "reaction", "system"])
      expect(s.inboundTypes).toContain(type);
    expect(s.ctwaReferrals).toBeGreaterThan(0);
    expect(s.stops.size).toBeGreaterThan(0);
    expect(s.userTexts.some((t) => ["STOP", "Parar", "unsubscribe"].includes(t))).toBe(true);
    // No e-mail addresses or long digit runs (card or phone numbers) in what users write.
    expect(s.userTexts.filter((t) => /@|\d{6,}/.test(t))).toEqual([]);
  });

  it("emits the low-volume account, template and quality events with the real field names", () => {
    for (const field of [
      "phone_number_quality_update",
      "business_capability_update",
      "message_template_status_update",
      "message_template_quality_update",
      "template_category_update",
      "account_update",
      "user_preferences",
    ]) {
      expect(s.fields.get(field) ?? 0).toBeGreaterThan(0);
    }
    for (const event of [
      "message_template_status_update:APPROVED",
      "message_template_status_update:PAUSED:FIRST_PAUSE",
      "message_template_status_update:REINSTATED:UNPAUSE",
      "message_template_status_update:DISABLED",
      "account_update:VOLUME_BASED_PRICING_TIER_UPDATE",
      "account_update:AUTH_INTL_PRICE_ELIGIBILITY_UPDATE",
      "account_update:BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE",
      "phone_number_quality_update:FLAGGED",
      "phone_number_quality_update:UNFLAGGED",
      "phone_number_quality_update:ONBOARDING",
      "phone_number_quality_update:THROUGHPUT_UPGRADE",
    ]) {
      expect(s.events).toContain(event);
    }
    const switchAt = sec("2025-10-07T00:00:00Z");
    for (const q of s.legacyQualityEvents) {
      expect(["FLAGGED", "UNFLAGGED"].includes(q.event)).toBe(q.time < switchAt);
    }
    expect(s.systemErrors).toBeGreaterThan(0);
    expect(s.entryTimesAreIntegers).toBe(true);
  });

  it("follows weekly seasonality and grows month over month", () => {
    for (const [, perDow] of s.localWeekday) {
      const weekday =
        ((perDow[1] ?? 0) + (perDow[2] ?? 0) + (perDow[3] ?? 0) + (perDow[4] ?? 0) + (perDow[5] ?? 0)) / 5;
      expect(perDow[0] ?? 0).toBeLessThan(weekday * 0.9);
      expect(perDow[6] ?? 0).toBeLessThan(weekday * 0.95);
    }
    const first = s.sentPerMonth.get("2025-04") ?? 0;
    const late = s.sentPerMonth.get("2026-10") ?? 0;
    expect(late).toBeGreaterThan(first * 1.8);
  });

  it("has valid JSON on every line except the declared bad ones", () => {
    expect(DEMO_BAD_LINES).toBeLessThanOrEqual(5);
    expect(s.unparsable).toBe(1);
    expect(s.notWebhook).toBe(1);
    expect(s.statusWithoutId).toBe(1);
    expect(s.unparsable + s.notWebhook + s.statusWithoutId).toBe(DEMO_BAD_LINES);
  });

  it("writes 1,000,000 lines quickly", async () => {
    const file = path.join(os.tmpdir(), `waba-demo-${process.pid}-${Date.now()}.jsonl`);
    try {
      const started = performance.now();
      const result = await writeDemoFile(file, { now: NOW, targetLines: 1_000_000 });
      const seconds = (performance.now() - started) / 1000;
      expect(result.lines).toBe(1_000_000);
      expect(fs.statSync(file).size).toBe(result.bytes);
      let newlines = 0;
      for await (const chunk of fs.createReadStream(file)) {
        const buf = chunk as Buffer;
        for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) newlines++;
      }
      expect(newlines).toBe(1_000_000);
      // Typically ~4 s; the bound leaves room for a loaded CI machine.
      expect(seconds).toBeLessThan(30);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 120_000);
});
