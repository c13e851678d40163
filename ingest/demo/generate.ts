// Deterministic, realistic WhatsApp Cloud API webhook traffic as JSONL (one POST body a line) for demo and benchmark.
import fs from "node:fs";

export interface DemoAccount {
  wabaId: string;
  name: string;
  timeZone: string;
  currency: string;
  businessPortfolioId: string;
  primaryCountry: string;
  bsp: string | null;
  phoneNumbers: Array<{ phoneNumberId: string; displayPhoneNumber: string }>;
}

export interface DemoOptions {
  now: Date;
  seed?: number;
  targetLines?: number;
  months?: number;
}

// Currencies are account data only: the rate cards we ship are USD, so pricing may show them as an assumption.
export const DEMO_ACCOUNTS: DemoAccount[] = [
  {
    wabaId: "104857263019384",
    name: "Aurora Moda",
    timeZone: "America/Sao_Paulo",
    currency: "USD",
    businessPortfolioId: "873104592837461",
    primaryCountry: "BR",
    bsp: null,
    phoneNumbers: [
      { phoneNumberId: "118374650293847", displayPhoneNumber: "551130042817" },
      { phoneNumberId: "118374650293912", displayPhoneNumber: "551140023155" },
      { phoneNumberId: "120384756102938", displayPhoneNumber: "525541703920" },
    ],
  },
  {
    wabaId: "213948576102384",
    name: "Kirana Pay",
    timeZone: "Asia/Kolkata",
    currency: "INR",
    businessPortfolioId: "451029384756102",
    primaryCountry: "IN",
    bsp: "gupshup",
    phoneNumbers: [
      { phoneNumberId: "301928475610293", displayPhoneNumber: "918047391122" },
      { phoneNumberId: "301928475610311", displayPhoneNumber: "918069781234" },
    ],
  },
  {
    wabaId: "398475610293847",
    name: "Helio Travel",
    timeZone: "Europe/Berlin",
    currency: "EUR",
    businessPortfolioId: "662918374650192",
    primaryCountry: "DE",
    bsp: "360dialog",
    phoneNumbers: [
      { phoneNumberId: "410293847561029", displayPhoneNumber: "4930120834455" },
      { phoneNumberId: "410293847561388", displayPhoneNumber: "442071830022" },
    ],
  },
];

/** Bad lines (truncated JSON, non-webhook JSON, status without id) in the output at default options. */
export const DEMO_BAD_LINES = 3;

const DEFAULT_TARGET = 200_000;
const DEFAULT_MONTHS = 20;
const DEFAULT_SEED = 20250701;
const DAY = 86_400;
const HOUR = 3_600;
const MONTH = 30.44 * DAY;

const utcSec = (iso: string) => Math.floor(Date.parse(iso) / 1000);
// Meta stopped delivering marketing templates to US numbers on this date (error 131049).
const US_MARKETING_BLOCK = utcSec("2025-04-01T00:00:00Z");
// The per-portfolio messaging-limit vocabulary replaced FLAGGED/UNFLAGGED on this date.
const LIMITS_V2 = utcSec("2025-10-07T00:00:00Z");
const CURRENT_LIMIT_REMOVED = utcSec("2026-02-01T00:00:00Z");
const TIER_WEBHOOK_FROM = utcSec("2025-10-01T00:00:00Z");
const BSUID_FROM = utcSec("2026-04-06T00:00:00Z");

// ---------------------------------------------------------------- randomness

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** mulberry32 */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  u32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.next() * a.length)] as T;
  }
  /** Rounds x up or down at random so that sums of many draws keep the expected total. */
  round(x: number): number {
    const f = Math.floor(x);
    return f + (this.next() < x - f ? 1 : 0);
  }
  /** Log-normal-ish delay: median × e^(sigma·z), z ≈ N(0,1) from three uniforms. */
  logn(median: number, sigma: number): number {
    const z = (this.next() + this.next() + this.next() - 1.5) * 2;
    return median * Math.exp(sigma * z);
  }
  digits(n: number): string {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(this.next() * 10);
    return s;
  }
}

function hash32(...xs: number[]): number {
  let h = 0x811c9dc5;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

/** A bijection on 32-bit integers: distinct counters always give distinct ids. */
function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, "0");

// ---------------------------------------------------------------- time zones

const tzFormats = new Map<string, Intl.DateTimeFormat>();

/** Seconds to add to a UTC instant to get the wall clock in `zone`. */
function tzOffset(zone: string, t: number): number {
  let f = tzFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    tzFormats.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(t * 1000)))
    if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall =
    Date.UTC(p.year ?? 1970, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0) / 1000;
  return wall - t;
}

/** The UTC instant of 00:00 on a local calendar date in `zone` (Meta's price changes happen then). */
function localMidnight(zone: string, y: number, m: number, d: number): number {
  const wall = Date.UTC(y, m - 1, d) / 1000;
  const first = wall - tzOffset(zone, wall);
  return wall - tzOffset(zone, first);
}

const localMidnightIso = (zone: string, ymd: string) => {
  const [y, m, d] = ymd.split("-").map(Number);
  return localMidnight(zone, y ?? 1970, m ?? 1, d ?? 1);
};

// ---------------------------------------------------------------- recipients

interface Country {
  iso: string;
  cc: string;
  lang: Lang;
  /** Per-user marketing limits (random 131049) are not applied to users in the EEA and the UK. */
  capped: boolean;
  national: (r: Rng) => string;
}

type Lang = "en" | "pt" | "es" | "de" | "it" | "tr" | "id";

const c = (iso: string, cc: string, lang: Lang, national: (r: Rng) => string, capped = true): Country => ({
  iso,
  cc,
  lang,
  capped,
  national,
});

// Exchanges and mobile ranges follow each numbering plan so that numbers parse as valid mobiles.
const nanp = (areas: string[]) => (r: Rng) => {
  const exchange = `${2 + r.int(8)}${r.digits(2)}`;
  return r.pick(areas) + (exchange === "555" ? "556" : exchange) + r.digits(4);
};

const w = (list: string) => list.split(" ");
const BR_AREAS = w("11 11 11 21 21 31 41 51 61 71 81 85 19 27 48 62");
const CO_MOBILE = w("00 01 02 04 05 10 11 12 13 14 15 16 17 18 20 21");
const IT_MOBILE = w("20 27 28 29 30 31 33 34 35 36 38 39 40 47 48 49 51 66 88 89 92 93");
const TR_MOBILE = w("01 05 06 07 30 31 32 33 34 35 36 37 38 39 41 42 43 44 45 46 47 48 49 51 52 53 54 55 59");
const IN_MOBILE = w("98 99 97 96 95 94 93 91 90 89 88 87 86 85 84 83 82 81 80 79 78 77 76 75 74 73 70");
// Only UK ranges that are not shared with Guernsey, Jersey or the Isle of Man.
const GB_MOBILE = w(
  "40 41 42 43 44 46 47 48 49 51 53 54 55 56 57 58 59 71 72 73 74 75 76 77 80 84 85 86 87 88 89 90 94 95 96 97 98",
);
const ID_MOBILE = w("11 12 13 21 22 23 52 53 55 56 57 58 77 78 81 95 96 97 98 99");
const PK_MOBILE = w("00 01 02 03 04 05 06 07 08 09 11 12 13 14 15 21 22 23 24 31 32 33 34 35 36 41 42 43 44 45 46 47");
const NG_MOBILE = w(
  "803 806 813 816 703 706 903 906 805 807 815 811 905 802 808 812 708 701 902 907 901 809 817 818 909 908",
);
const ZA_MOBILE = w("60 61 62 63 64 65 66 71 72 73 74 76 78 79 81 82 83 84");
const KE_MOBILE = w(
  "00 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 40 41 42 43 45 46 48 90 91 92 93 94 95 96 97 98 99",
);

const COUNTRIES: Record<string, Country> = {
  BR: c("BR", "55", "pt", (r) => `${r.pick(BR_AREAS)}9${6 + r.int(4)}${r.digits(7)}`),
  MX: c("MX", "52", "es", (r) => `${r.pick(w("55 33 81"))}${1 + r.int(9)}${r.digits(7)}`),
  CO: c("CO", "57", "es", (r) => `3${r.pick(CO_MOBILE)}${2 + r.int(8)}${r.digits(6)}`),
  AR: c("AR", "54", "es", (r) => `911${2 + r.int(5)}${r.digits(7)}`),
  US: c("US", "1", "en", nanp(w("212 213 305 312 404 415 512 617 646 702 713 718 917 206"))),
  CA: c("CA", "1", "en", nanp(w("416 437 514 604 647 778 403"))),
  DO: c("DO", "1", "es", nanp(w("809 829 849"))),
  ES: c("ES", "34", "es", (r) => `6${r.digits(8)}`, false),
  IT: c("IT", "39", "it", (r) => `3${r.pick(IT_MOBILE)}${r.digits(7)}`, false),
  TR: c("TR", "90", "tr", (r) => `5${r.pick(TR_MOBILE)}${r.digits(7)}`),
  IN: c("IN", "91", "en", (r) => `${r.pick(IN_MOBILE)}${r.digits(8)}`),
  AE: c("AE", "971", "en", (r) => `5${r.pick(w("0 2 4 5 6 8"))}${r.digits(7)}`),
  SA: c("SA", "966", "en", (r) => `5${r.pick(w("0 3 4 5 6 8 9"))}${r.digits(7)}`),
  GB: c("GB", "44", "en", (r) => `7${r.pick(GB_MOBILE)}${r.digits(7)}`, false),
  ID: c("ID", "62", "id", (r) => `8${r.pick(ID_MOBILE)}${r.digits(8)}`),
  PK: c("PK", "92", "en", (r) => `3${r.pick(PK_MOBILE)}${r.digits(7)}`),
  DE: c(
    "DE",
    "49",
    "de",
    (r) =>
      r.chance(0.5)
        ? `${r.pick(w("151 152 157 159"))}${r.digits(8)}`
        : `${r.pick(w("160 170 171 172 173 174 175"))}${r.digits(7)}`,
    false,
  ),
  NG: c("NG", "234", "en", (r) => `${r.pick(NG_MOBILE)}${r.digits(7)}`),
  EG: c("EG", "20", "en", (r) => `1${r.pick(w("0 1 2 5"))}${r.digits(8)}`),
  ZA: c("ZA", "27", "en", (r) => `${r.pick(ZA_MOBILE)}${r.digits(7)}`),
  KE: c("KE", "254", "en", (r) => `7${r.pick(KE_MOBILE)}${r.digits(6)}`),
};

const AUTH_INTL_COUNTRIES = new Set(["EG", "IN", "ID", "MY", "NG", "PK", "SA", "ZA", "AE"]);

// Message texts are deliberately bland: nothing that reads like a real person's data.
const q = (xs: string[]) => xs.map((x) => JSON.stringify(x));
const TEXTS: Record<Lang, string[]> = {
  en: q([
    "Hi",
    "Hello, is my order on the way?",
    "Thanks!",
    "What time do you open?",
    "I have a question about my booking",
    "Can I change the date?",
    "OK",
    "Is this still available?",
    "Please send the receipt again",
    "I did not receive the code",
    "Refund status?",
    "Payment failed, please help",
  ]),
  pt: q([
    "Olá",
    "Oi, meu pedido já foi enviado?",
    "Obrigado!",
    "Qual o prazo de entrega?",
    "Ok",
    "Quero trocar o tamanho",
    "Tem em outra cor?",
    "Bom dia",
  ]),
  es: q([
    "Hola",
    "¿Mi pedido ya salió?",
    "Gracias",
    "¿Cuál es el horario?",
    "Ok",
    "¿Tienen envío a mi ciudad?",
    "Buenas tardes",
  ]),
  de: q(["Hallo", "Ist meine Buchung bestätigt?", "Danke!", "Kann ich das Datum ändern?", "Ok", "Guten Tag"]),
  it: q(["Ciao", "La mia prenotazione è confermata?", "Grazie", "Ok"]),
  tr: q(["Merhaba", "Rezervasyonum onaylandı mı?", "Teşekkürler", "Tamam"]),
  id: q(["Halo", "Apakah pesanan saya sudah dikirim?", "Terima kasih", "Oke"]),
};
const STOP_TEXTS: Record<Lang, string[]> = {
  en: q(["STOP", "unsubscribe", "Stop"]),
  pt: q(["Parar", "PARAR", "Sair"]),
  es: q(["Baja", "STOP"]),
  de: q(["Stopp", "abmelden"]),
  it: q(["STOP"]),
  tr: q(["STOP"]),
  id: q(["berhenti", "STOP"]),
};
const CTWA_TEXTS: Record<Lang, string[]> = {
  en: q(["Can I get more info about this?", "I'd like more information"]),
  pt: q(["Quero saber mais", "Pode me passar mais informações?"]),
  es: q(["Quiero más información", "¿Me das más detalles?"]),
  de: q(["Ich hätte gern mehr Infos"]),
  it: q(["Vorrei più informazioni"]),
  tr: q(["Daha fazla bilgi alabilir miyim?"]),
  id: q(["Saya mau info lebih lanjut"]),
};
const CAPTIONS = q(["Photo of the item", "Screenshot", "This one"]);
const BUTTON_REPLIES: Array<[string, string]> = [
  ['"Yes, interested"', '"Yes, interested"'],
  ['"Shop now"', '"Shop now"'],
  ['"Track order"', '"Track order"'],
  ['"Talk to an agent"', '"Talk to an agent"'],
];
const INTERACTIVE = [
  '{"type":"button_reply","button_reply":{"id":"confirm-yes","title":"Yes"}}',
  '{"type":"button_reply","button_reply":{"id":"confirm-no","title":"No"}}',
  '{"type":"button_reply","button_reply":{"id":"reschedule","title":"Reschedule"}}',
  '{"type":"list_reply","list_reply":{"id":"opt-track","title":"Track my order","description":"See where your order is"}}',
  '{"type":"list_reply","list_reply":{"id":"opt-agent","title":"Talk to us","description":"Chat with the team"}}',
];
const EMOJIS = ["👍", "❤️", "🙏", "😂"];

// ---------------------------------------------------------------- account behaviour

const K = { Utility: 0, Auth: 1, Marketing: 2, Inbound: 3, Campaign: 4 } as const;
type K = (typeof K)[keyof typeof K];
const STEADY_KINDS = 4;

// Categories index CATEGORY/ORIGIN; marketing_lite replaces marketing for a WABA on the Marketing Messages API.
// BusinessInitiated/UserInitiated are the 2022 model (before 2023-06-01), only reached with a long `months`.
const Cat = {
  Marketing: 0,
  Utility: 1,
  Auth: 2,
  AuthIntl: 3,
  Service: 4,
  MarketingLite: 5,
  Referral: 6,
  BusinessInitiated: 7,
  UserInitiated: 8,
} as const;
type Cat = (typeof Cat)[keyof typeof Cat];
const CATEGORY = [
  "marketing",
  "utility",
  "authentication",
  "authentication-international",
  "service",
  "marketing_lite",
  "referral_conversion",
  "business_initiated",
  "user_initiated",
];
const ORIGIN = [
  "marketing",
  "utility",
  "authentication",
  "authentication_international",
  "service",
  "marketing_lite",
  "referral_conversion",
  "business_initiated",
  "user_initiated",
];
const READ_RATE = [0.5, 0.72, 0.62, 0.62, 0.88, 0.55, 0.85, 0.6, 0.85];

// Local-hour shapes (sum normalised later): transactional traffic follows office hours, people write in the evening.
const HOURS_BUSINESS = [
  1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 4, 5.5, 6, 6, 5.5, 5.5, 5.5, 5.5, 5, 5, 4.5, 4, 3.5, 3, 2.2, 1.5,
];
const HOURS_AUTH = [
  1.5, 1, 0.7, 0.5, 0.5, 0.8, 1.5, 2.5, 3.5, 4.2, 4.5, 4.5, 4.3, 4.2, 4.2, 4.2, 4.3, 4.5, 4.8, 5, 4.8, 4.2, 3.2, 2.2,
];
const HOURS_PEOPLE = [
  1.2, 0.7, 0.4, 0.3, 0.3, 0.4, 0.8, 1.8, 3, 4, 4.5, 4.8, 5, 4.8, 4.5, 4.5, 4.5, 4.7, 5, 5.5, 5.8, 5.2, 3.8, 2.2,
];
const normalise = (xs: number[]) => {
  const s = xs.reduce((a, b) => a + b, 0);
  return xs.map((x) => x / s);
};
const HOUR_SHAPES = [
  normalise(HOURS_BUSINESS),
  normalise(HOURS_AUTH),
  normalise(HOURS_BUSINESS),
  normalise(HOURS_PEOPLE),
];

// Lines one unit of each kind produces on average (statuses, inbound, replies); the controller corrects the rest.
const LINES_PER_UNIT = [2.8, 2.7, 2.5, 7.5, 2.4];

interface CampaignSpec {
  localHour: number;
  size: number;
  durationMin: number;
}

interface Profile {
  mix: Array<[string, number]>;
  /** Daily units at the start of the range for utility, authentication, trickle marketing, inbound sessions. */
  base: [number, number, number, number];
  growth: number;
  ctwaShare: number;
  saturday: number;
  sunday: number;
  season: number[];
  pool: number;
  authPhone: number;
  homePhone: (iso: string, r: Rng) => number;
  campaigns: (local: { y: number; m: number; d: number; dow: number; week: number }, r: Rng) => CampaignSpec[];
}

/** Black Friday: the Friday after the fourth Thursday of November. */
const isBlackFriday = (y: number, m: number, d: number) => {
  if (m !== 11) return false;
  const firstDow = new Date(Date.UTC(y, 10, 1)).getUTCDay();
  const firstThu = 1 + ((4 - firstDow + 7) % 7);
  return d === firstThu + 22;
};

const PROFILES: Profile[] = [
  {
    mix: [
      ["BR", 72],
      ["MX", 9],
      ["CO", 4],
      ["AR", 4],
      ["US", 3],
      ["DO", 2],
      ["ES", 2],
      ["CA", 0.5],
    ],
    base: [700, 180, 60, 420],
    growth: 0.045,
    ctwaShare: 0.12,
    saturday: 0.85,
    sunday: 0.6,
    season: [0.85, 0.9, 1, 1, 1.05, 1, 0.95, 1, 1, 1, 1.25, 1.35],
    pool: 1,
    authPhone: 0,
    homePhone: (iso, r) => (iso === "MX" ? 2 : iso === "BR" && r.chance(0.25) ? 1 : 0),
    campaigns: ({ y, m, d, dow }, r) => {
      if (isBlackFriday(y, m, d)) {
        return [
          { localHour: 9, size: 18000, durationMin: 70 },
          { localHour: 19, size: 9000, durationMin: 50 },
        ];
      }
      const christmas = m === 12 && d >= 12 && d <= 22;
      if ((dow === 2 || dow === 4) && r.chance(0.6))
        return [{ localHour: 10 + r.next() * 1.5, size: 6000 * (0.7 + r.next() * 0.6), durationMin: 25 + r.int(35) }];
      if (christmas && r.chance(0.5)) return [{ localHour: 18, size: 5000, durationMin: 40 }];
      return [];
    },
  },
  {
    mix: [
      ["IN", 86],
      ["AE", 4],
      ["SA", 3],
      ["GB", 2],
      ["US", 2],
      ["CA", 1],
      ["ID", 1],
      ["KE", 1],
    ],
    base: [900, 1100, 20, 260],
    growth: 0.055,
    ctwaShare: 0.05,
    saturday: 0.88,
    sunday: 0.72,
    season: [1, 1, 1.05, 1, 1, 0.95, 0.95, 1, 1, 1.15, 1.2, 1.05],
    pool: 1.2,
    authPhone: 1,
    homePhone: () => 0,
    campaigns: ({ d, dow }, r) => {
      const out: CampaignSpec[] = [];
      if (d === 1) out.push({ localHour: 11, size: 3000, durationMin: 30 });
      if (dow === 5 && r.chance(0.85))
        out.push({ localHour: 18.5, size: 4000 * (0.8 + r.next() * 0.4), durationMin: 35 });
      return out;
    },
  },
  {
    mix: [
      ["DE", 28],
      ["GB", 12],
      ["ES", 8],
      ["IT", 8],
      ["TR", 6],
      ["IN", 8],
      ["ID", 6],
      ["NG", 5],
      ["EG", 5],
      ["SA", 4],
      ["PK", 3],
      ["ZA", 3],
      ["KE", 2],
      ["US", 2],
      ["CA", 1],
    ],
    base: [300, 380, 15, 160],
    growth: 0.025,
    ctwaShare: 0.08,
    saturday: 0.75,
    sunday: 0.65,
    season: [0.95, 0.85, 0.95, 1, 1.05, 1.2, 1.35, 1.3, 1.05, 0.95, 0.9, 1.1],
    pool: 0.6,
    authPhone: 0,
    homePhone: (iso) => (iso === "GB" ? 1 : 0),
    campaigns: ({ dow, week }, r) =>
      dow === 0 && week % 2 === 0 ? [{ localHour: 17 + r.next(), size: 2500, durationMin: 30 }] : [],
  },
];

// ---------------------------------------------------------------- simulation types

interface Phone {
  id: string;
  display: string;
  head: string;
  statusHead: string;
  batch: StatusEv | null;
  activeFrom: number;
}

interface User {
  country: Country;
  phone: string;
  bsuid: string;
  name: string;
  home: number;
  invalid: boolean;
  // Activity is generated ahead of time (a reply an hour later is written at once), so state is kept as instants
  // and every check asks "as of t" rather than "now".
  /** Latest and previous inbound message: each opens a 24 h customer service window. */
  inAt: number;
  prevInAt: number;
  stopAt: number;
  resumeAt: number;
  fepFrom: number;
  fepUntil: number;
  fepConv: string;
  /** Open CBP conversations by category (one shared slot in the 2022 model). */
  conv: Array<Conversation | undefined>;
  lastTemplate: string;
  lastBusiness: string;
}

interface Conversation {
  id: string;
  exp: number;
  at: number;
  cat: Cat;
}

interface Acct {
  idx: number;
  info: DemoAccount;
  p: Profile;
  phones: Phone[];
  users: Array<User | undefined>;
  pool: number;
  mixTotal: number;
  categoryFrom: number;
  serviceFreeFrom: number;
  pmpFrom: number;
  paidServiceFrom: number;
  v24From: number;
  mmLiteFrom: number;
  authIntlFrom: Map<string, number>;
  /** Windows in which the campaign template is paused (132015) or disabled (132016). */
  pauses: Array<[number, number, number]>;
  recategorizedAt: number;
  ads: string[];
}

interface Msg {
  id: string;
  rcpt: string;
  uid: string;
  convSent: string;
  convOther: string;
  pricing: string;
  errors: string;
}

const SENT = 0;
const DELIVERED = 1;
const READ = 2;
const FAILED = 3;
const STATUS_NAMES = ["sent", "delivered", "read", "failed"];

interface StatusRec {
  m: Msg;
  s: number;
  ts: number;
  full: boolean;
}

interface StatusEv {
  kind: 0;
  key: number;
  seq: number;
  phone: Phone;
  sts: StatusRec[];
  start: number;
  max: number;
  rendered: string;
}
interface RawEv {
  kind: 1;
  key: number;
  seq: number;
  rendered: string;
}
interface DupEv {
  kind: 2;
  key: number;
  seq: number;
  of: StatusEv | RawEv;
  reorder: boolean;
}
type Ev = StatusEv | RawEv | DupEv;

interface CampaignPlan {
  start: number;
  dur: number;
  size: number;
  template: string;
}

interface AcctDay {
  steady: Float64Array;
  campaigns: CampaignPlan[];
  expected: number;
  steadyExpected: number;
}

interface DayPlan {
  start: number;
  end: number;
  accts: AcctDay[];
  expected: number;
}

interface Scheduled {
  ts: number;
  line: string;
}

// ---------------------------------------------------------------- min-heap on (key, seq)

class Heap {
  private a: Ev[] = [];
  get size() {
    return this.a.length;
  }
  peek(): Ev | undefined {
    return this.a[0];
  }
  private less(x: Ev, y: Ev) {
    return x.key < y.key || (x.key === y.key && x.seq < y.seq);
  }
  push(e: Ev) {
    const a = this.a;
    let i = a.length;
    a.push(e);
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = a[p] as Ev;
      if (!this.less(e, pe)) break;
      a[i] = pe;
      i = p;
    }
    a[i] = e;
  }
  pop(): Ev | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    const n = a.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.less(a[r] as Ev, a[l] as Ev) ? r : l;
      const ce = a[child] as Ev;
      if (!this.less(ce, last)) break;
      a[i] = ce;
      i = child;
    }
    a[i] = last;
    return top;
  }
}

// ---------------------------------------------------------------- payload fragments

const STATUS_TAIL = ']},"field":"messages"}]}]}';
const ERROR_DOC = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/";
const ERROR_DOC_NEW = "/documentation/business-messaging/whatsapp/support/error-codes";

const ERRORS: Record<number, [string, string]> = {
  131026: ["Receiver is incapable of receiving this message", "Message Undeliverable."],
  131047: [
    "Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
  ],
  131049: [
    "This message was not delivered to maintain healthy ecosystem engagement.",
    "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
  ],
  131050: [
    "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
    "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.",
  ],
  130472: [
    "User's number is part of an experiment",
    "Failed to send message because this user's phone number is part of an experiment",
  ],
  131056: [
    "(Business Account, Consumer Account) pair rate limit hit",
    "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.",
  ],
  132015: ["Template is Paused", "Template is paused due to low quality so it cannot be sent in a template message."],
  132016: [
    "Template is disabled",
    "Template has been paused too many times due to low quality and is now permanently disabled.",
  ],
};

// Real payloads sometimes omit href (fixture status_failed_131026_real_redacted.json); newer ones use the relative doc path.
// Fragments repeat across millions of statuses: build each once (shared, already-flat strings are cheap to write).
const fragments = new Map<string, string>();
const fragment = (key: string, build: () => string): string => {
  let f = fragments.get(key);
  if (f === undefined) {
    f = build();
    fragments.set(key, f);
  }
  return f;
};

const errorJson = (code: number, t: number): string => {
  const newDocs = t >= CURRENT_LIMIT_REMOVED;
  return fragment(`e${code}${newDocs}`, () => {
    const [title, details] = ERRORS[code] ?? ["Unknown error", "Unknown error"];
    const href = code === 131026 ? "" : `,"href":${JSON.stringify(newDocs ? ERROR_DOC_NEW : ERROR_DOC)}`;
    return `,"errors":[{"code":${code},"title":${JSON.stringify(title)},"message":${JSON.stringify(title)},"error_data":{"details":${JSON.stringify(details)}}${href}}]`;
  });
};

const cbpPricing = (cat: Cat, billable: boolean) =>
  fragment(
    `c${cat}${billable}`,
    () => `,"pricing":{"billable":${billable},"pricing_model":"CBP","category":"${CATEGORY[cat]}"}`,
  );
const pmpPricing = (cat: Cat, type: string, billable: boolean) =>
  fragment(
    `p${cat}${type}${billable}`,
    () => `,"pricing":{"billable":${billable},"pricing_model":"PMP","type":"${type}","category":"${CATEGORY[cat]}"}`,
  );

/** Recursively reverses key order: the same payload as another serializer would write it. */
function reorderKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(reorderKeys);
  if (v !== null && typeof v === "object") {
    const out: Record<string, unknown> = {};
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o).reverse()) out[k] = reorderKeys(o[k]);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- public helpers

export function demoRange(opts: DemoOptions): { from: Date; to: Date } {
  const months = opts.months ?? DEFAULT_MONTHS;
  const now = opts.now;
  const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months + 1, 1));
  return { from, to: new Date(now.getTime()) };
}

export function* demoLines(opts: DemoOptions): Generator<string> {
  const sim = new Simulation(opts);
  for (let batch = sim.nextBatch(); batch; batch = sim.nextBatch()) yield* batch;
}

export async function writeDemoFile(file: string, opts: DemoOptions): Promise<{ lines: number; bytes: number }> {
  const fh = await fs.promises.open(file, "w");
  const size = 8 << 20;
  // Encoding line by line into a reused buffer avoids flattening one huge string per chunk (the slow part).
  let buf = Buffer.allocUnsafe(size);
  let spare = Buffer.allocUnsafe(size);
  let off = 0;
  let lines = 0;
  let bytes = 0;
  let pending: Promise<unknown> = Promise.resolve();
  const flush = async () => {
    await pending;
    const full = buf;
    const len = off;
    pending = fh.write(full, 0, len);
    bytes += len;
    buf = spare;
    spare = full;
    off = 0;
  };
  try {
    const sim = new Simulation(opts);
    for (let batch = sim.nextBatch(); batch; batch = sim.nextBatch()) {
      for (const line of batch) {
        if (off + line.length * 3 + 1 > size) {
          await flush();
          if (line.length * 3 + 1 > size) {
            await pending;
            const big = Buffer.from(`${line}\n`, "utf8");
            pending = fh.write(big);
            bytes += big.length;
            lines++;
            continue;
          }
        }
        off += buf.write(line, off, "utf8");
        buf[off++] = 10;
        lines++;
      }
    }
    await flush();
    await pending;
  } finally {
    await fh.close();
  }
  return { lines, bytes };
}

// ---------------------------------------------------------------- the simulation

class Simulation {
  private readonly seed: number;
  private readonly target: number;
  private readonly from: number;
  private readonly now: number;
  private readonly rng: Rng;
  private readonly accts: Acct[];
  private readonly heap = new Heap();
  private seq = 0;
  private msgCounter = 0;
  private convCounter = 0;
  private readonly idSalt: number;
  private generated = 0;
  private days: DayPlan[] = [];
  private schedule: Scheduled[] = [];
  private largestCampaigns: CampaignPlan[] = [];
  // Emission state: which day is next, how many lines so far, where the bad lines go.
  private di = 0;
  private emitted = 0;
  private lastLine = "";
  private badDone = 0;
  private badAt: number[] = [];
  private suffix = new Float64Array(1);
  private aim = 0;
  private schedIdx = 0;
  private activityLines = 0;
  private expectedSoFar = 0;
  private readonly scratch = Buffer.alloc(64);

  constructor(opts: DemoOptions) {
    this.seed = (opts.seed ?? DEFAULT_SEED) >>> 0;
    this.target = Math.max(0, Math.floor(opts.targetLines ?? DEFAULT_TARGET));
    const range = demoRange(opts);
    this.from = Math.floor(range.from.getTime() / 1000);
    this.now = Math.floor(range.to.getTime() / 1000);
    this.rng = new Rng(hash32(this.seed, 2));
    this.idSalt = hash32(this.seed, 3);
    const poolUnit = Math.max(60, Math.round(this.target / 60));
    this.accts = DEMO_ACCOUNTS.map((info, idx) => {
      const p = PROFILES[idx] as Profile;
      const zone = info.timeZone;
      const r = new Rng(hash32(this.seed, 7, idx));
      const acct: Acct = {
        idx,
        info,
        p,
        phones: info.phoneNumbers.map((n) => {
          const head = `{"object":"whatsapp_business_account","entry":[{"id":"${info.wabaId}","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"${n.displayPhoneNumber}","phone_number_id":"${n.phoneNumberId}"},`;
          return {
            id: n.phoneNumberId,
            display: n.displayPhoneNumber,
            head,
            statusHead: `${head}"statuses":[`,
            batch: null,
            activeFrom: 0,
          };
        }),
        users: [],
        pool: Math.max(40, Math.round(poolUnit * p.pool)),
        mixTotal: p.mix.reduce((s, [, w]) => s + w, 0),
        categoryFrom: localMidnightIso(zone, "2023-06-01"),
        serviceFreeFrom: localMidnightIso(zone, "2024-11-01"),
        pmpFrom: localMidnightIso(zone, "2025-07-01"),
        paidServiceFrom: localMidnightIso(zone, "2026-10-01"),
        // Each app moved its webhooks to v24 (no conversation outside FEP windows) on its own day in January 2026.
        v24From: utcSec(
          ["2026-01-14T09:00:00Z", "2026-02-02T06:00:00Z", "2026-01-05T10:00:00Z"][idx] ?? "2026-01-01T00:00:00Z",
        ),
        mmLiteFrom: Number.POSITIVE_INFINITY,
        authIntlFrom: new Map(),
        pauses: [],
        recategorizedAt: Number.POSITIVE_INFINITY,
        ads: Array.from({ length: 8 }, () => `12022${r.digits(13)}`),
      };
      // Pre-sized so lookups by index stay on V8's fast elements path.
      acct.users = new Array<User | undefined>(acct.pool).fill(undefined);
      return acct;
    });
    // Helio's UK number was onboarded later (it gets an ONBOARDING quality event).
    const helioUk = this.accts[2]?.phones[1];
    if (helioUk) helioUk.activeFrom = Math.max(this.from + 40 * DAY, utcSec("2025-11-03T09:12:44Z"));
    this.plan();
    this.buildSchedule();
    const target = this.target;
    // Tiny outputs (smoke tests) stay clean; from 100 lines on, the bad lines sit at fixed fractions of the output.
    this.badAt = target >= 100 ? [Math.floor(target * 0.05), Math.floor(target * 0.37), Math.floor(target * 0.71)] : [];
    this.suffix = new Float64Array(this.days.length + 1);
    for (let i = this.days.length - 1; i >= 0; i--)
      this.suffix[i] = (this.suffix[i + 1] ?? 0) + (this.days[i]?.expected ?? 0);
    this.aim = target - this.badAt.length;
  }

  // ------------------------------------------------------------ plan: expected volume per day, campaigns

  private plan() {
    const planRng = new Rng(hash32(this.seed, 1));
    const firstDay = Math.floor(this.from / DAY) * DAY;
    for (let start = firstDay; start <= this.now; start += DAY) {
      this.days.push({ start, end: start + DAY, accts: [], expected: 0 });
    }
    for (const a of this.accts) {
      const zone = a.info.timeZone;
      const p = a.p;
      const campaignsByDay: CampaignPlan[][] = this.days.map(() => []);
      // Campaigns are decided per local calendar date.
      const firstLocal = new Date((this.from + tzOffset(zone, this.from)) * 1000);
      for (let i = 0; ; i++) {
        const dt = new Date(
          Date.UTC(firstLocal.getUTCFullYear(), firstLocal.getUTCMonth(), firstLocal.getUTCDate() + i),
        );
        const y = dt.getUTCFullYear();
        const m = dt.getUTCMonth() + 1;
        const d = dt.getUTCDate();
        const midnight = localMidnight(zone, y, m, d);
        if (midnight > this.now) break;
        const week = Math.floor((dt.getTime() / 1000 / DAY + 3) / 7);
        const growth = (1 + p.growth) ** ((midnight - this.from) / MONTH);
        for (const spec of p.campaigns({ y, m, d, dow: dt.getUTCDay(), week }, planRng)) {
          const start = midnight + Math.round(spec.localHour * HOUR) + planRng.int(300);
          if (start < this.from || start > this.now) continue;
          const dayIdx = Math.floor((start - firstDay) / DAY);
          const plan: CampaignPlan = {
            start,
            dur: spec.durationMin * 60,
            size: spec.size * growth,
            template:
              a.idx === 0
                ? `promo_${y}_${String(m).padStart(2, "0")}`
                : a.idx === 1
                  ? "offers_weekly"
                  : "deals_weekend",
          };
          campaignsByDay[dayIdx]?.push(plan);
        }
      }
      this.days.forEach((day, di) => {
        const steady = new Float64Array(STEADY_KINDS * 24);
        let expected = 0;
        let off = tzOffset(zone, day.start);
        const offEnd = tzOffset(zone, day.start + 23 * HOUR);
        for (let h = 0; h < 24; h++) {
          const t = day.start + h * HOUR;
          if (t > this.now) break;
          if (offEnd !== off) off = tzOffset(zone, t + 1800);
          const local = t + 1800 + off;
          const localHour = Math.floor(local / HOUR) % 24;
          const localDate = new Date(local * 1000);
          const dow = localDate.getUTCDay();
          const weekday = dow === 6 ? p.saturday : dow === 0 ? p.sunday : 1;
          const season = p.season[localDate.getUTCMonth()] ?? 1;
          const growth = (1 + p.growth) ** ((t - this.from) / MONTH);
          const partial = Math.min(1, (this.now - t) / HOUR);
          for (let k = 0; k < STEADY_KINDS; k++) {
            // Authentication barely dips at weekends; people still log in.
            const wk = k === K.Auth ? 1 - (1 - weekday) * 0.4 : weekday;
            const x = (p.base[k] ?? 0) * growth * season * wk * (HOUR_SHAPES[k]?.[localHour] ?? 0) * partial;
            steady[k * 24 + h] = x;
            expected += x * (LINES_PER_UNIT[k] ?? 2.5);
          }
        }
        const campaigns = campaignsByDay[di] ?? [];
        const steadyExpected = expected;
        for (const cp of campaigns) expected += cp.size * (LINES_PER_UNIT[K.Campaign] ?? 2.4);
        day.accts.push({ steady, campaigns, expected, steadyExpected });
        day.expected += expected;
      });
    }
  }

  // ------------------------------------------------------------ low-volume account/template/quality events

  private buildSchedule() {
    const r = new Rng(hash32(this.seed, 5));
    const s: Scheduled[] = [];
    const inRange = (t: number) => t >= this.from && t <= this.now;
    const envelope = (a: Acct, t: number, field: string, value: unknown, withTime = true) => {
      const entry: Record<string, unknown> = { id: a.info.wabaId };
      if (withTime) entry.time = t;
      entry.changes = [{ value, field }];
      return JSON.stringify({ entry: [entry], object: "whatsapp_business_account" });
    };
    const add = (a: Acct, t: number, field: string, value: unknown, withTime = true) => {
      if (inRange(t)) s.push({ ts: t, line: envelope(a, t, field, value, withTime) });
    };
    const [aurora, kirana, helio] = this.accts as [Acct, Acct, Acct];
    const campaignsOf = (a: Acct) => this.days.flatMap((d) => d.accts[a.idx]?.campaigns ?? []);
    const tplId = (a: Acct, n: number) => 1_689_556_900_000_000 + a.idx * 10_000_000 + n * 7919;
    const tplStatus = (
      a: Acct,
      t: number,
      event: string,
      name: string,
      n: number,
      category: string,
      extra: Record<string, unknown> = {},
    ) =>
      add(a, t, "message_template_status_update", {
        event,
        message_template_id: tplId(a, n),
        message_template_name: name,
        message_template_language: a.idx === 0 ? "pt_BR" : a.idx === 1 ? "en" : "de",
        reason: "NONE",
        message_template_category: category,
        ...extra,
      });
    const tplQuality = (a: Acct, t: number, name: string, n: number, prev: string, next: string) =>
      add(a, t, "message_template_quality_update", {
        previous_quality_score: prev,
        new_quality_score: next,
        message_template_id: tplId(a, n),
        message_template_name: name,
        message_template_language: a.idx === 0 ? "pt_BR" : a.idx === 1 ? "en" : "de",
      });

    // Aurora: a new promo template approved before each month's first campaign.
    const seenMonths = new Set<string>();
    for (const cp of campaignsOf(aurora)) {
      if (seenMonths.has(cp.template)) continue;
      seenMonths.add(cp.template);
      tplStatus(
        aurora,
        cp.start - 2 * DAY - r.int(6 * HOUR),
        "APPROVED",
        cp.template,
        100 + seenMonths.size,
        "MARKETING",
      );
    }

    // Aurora: its biggest campaign drags a template to RED, Meta pauses it 3 h (sends fail 132015), then reinstates it.
    const auroraCampaigns = campaignsOf(aurora);
    const biggest = auroraCampaigns.reduce<CampaignPlan | undefined>(
      (b, cp) => (!b || cp.size > b.size ? cp : b),
      undefined,
    );
    if (biggest) {
      const n = 100 + [...seenMonths].indexOf(biggest.template) + 1;
      const pause = biggest.start + 25 * 60;
      tplQuality(aurora, biggest.start - 14 * HOUR, biggest.template, n, "GREEN", "YELLOW");
      tplQuality(aurora, pause - 40, biggest.template, n, "YELLOW", "RED");
      tplStatus(aurora, pause, "PAUSED", biggest.template, n, "MARKETING", {
        other_info: {
          title: "FIRST_PAUSE",
          description: "Your WhatsApp message template has been paused for 3 hours due to low quality.",
        },
      });
      tplStatus(aurora, pause + 3 * HOUR, "REINSTATED", biggest.template, n, "MARKETING", {
        other_info: { title: "UNPAUSE", description: "Your WhatsApp message template has been unpaused." },
      });
      tplQuality(aurora, pause + 5 * DAY, biggest.template, n, "RED", "YELLOW");
      tplQuality(aurora, pause + 12 * DAY, biggest.template, n, "YELLOW", "GREEN");
      aurora.pauses.push([pause, pause + 3 * HOUR, 132015]);
    }
    this.largestCampaigns = [...auroraCampaigns].sort((x, y) => y.size - x.size || x.start - y.start).slice(0, 3);

    // Aurora: a "utility" feedback template is recategorised to marketing (advance notice, then applied).
    const recat =
      localMidnight(aurora.info.timeZone, 2026, 4, 1) < this.now
        ? localMidnight(aurora.info.timeZone, 2026, 4, 1)
        : this.from + Math.round((this.now - this.from) * 0.55);
    const recatTpl = {
      message_template_id: tplId(aurora, 3),
      message_template_name: "delivery_feedback",
      message_template_language: "pt_BR",
    };
    add(aurora, recat - 30 * DAY, "template_category_update", {
      ...recatTpl,
      new_category: "UTILITY",
      correct_category: "MARKETING",
      category_update_timestamp: recat,
    });
    add(aurora, recat, "template_category_update", {
      ...recatTpl,
      previous_category: "UTILITY",
      new_category: "MARKETING",
    });
    aurora.recategorizedAt = recat;

    // Aurora's main number: flagged after a campaign under the legacy per-number limits, unflagged a week later.
    const flagCampaign = auroraCampaigns.find(
      (cp) => cp.start > this.from + 40 * DAY && cp.start < LIMITS_V2 - 10 * DAY,
    );
    const main = aurora.phones[0] as Phone;
    if (flagCampaign) {
      const t = flagCampaign.start + 4 * HOUR + r.int(HOUR);
      add(aurora, t, "phone_number_quality_update", {
        display_phone_number: main.display,
        event: "FLAGGED",
        current_limit: "TIER_10K",
      });
      add(aurora, t + 7 * DAY + r.int(HOUR), "phone_number_quality_update", {
        display_phone_number: main.display,
        event: "UNFLAGGED",
        current_limit: "TIER_10K",
      });
    }
    // Portfolio-level limits arrive on 2025-10-07; each portfolio inherits its best number's limit.
    add(aurora, LIMITS_V2 + 14 * HOUR + 1234, "business_capability_update", {
      max_daily_conversations_per_business: 100000,
      max_phone_numbers_per_waba: 25,
    });
    add(kirana, LIMITS_V2 + 20 * HOUR + 321, "business_capability_update", {
      max_daily_conversations_per_business: 10000,
      max_phone_numbers_per_waba: 25,
    });
    add(helio, LIMITS_V2 + 9 * HOUR + 77, "business_capability_update", {
      max_daily_conversations_per_business: 2000,
      max_phone_numbers_per_waba: 25,
    });
    add(helio, utcSec("2026-01-20T11:04:09Z"), "business_capability_update", {
      max_daily_conversations_per_business: 10000,
    });
    add(kirana, utcSec("2026-05-12T07:31:50Z"), "business_capability_update", {
      max_daily_conversations_per_business: 100000,
    });
    add(aurora, utcSec("2026-03-10T16:22:05Z"), "phone_number_quality_update", {
      display_phone_number: main.display,
      event: "THROUGHPUT_UPGRADE",
      max_daily_conversations_per_business: "TIER_UNLIMITED",
    });
    const helioUk = helio.phones[1] as Phone;
    const onboarding: Record<string, unknown> = { display_phone_number: helioUk.display, event: "ONBOARDING" };
    if (helioUk.activeFrom < CURRENT_LIMIT_REMOVED) onboarding.current_limit = "TIER_NOT_SET";
    onboarding.max_daily_conversations_per_business = "TIER_2K";
    if (helioUk.activeFrom >= LIMITS_V2)
      add(helio, helioUk.activeFrom - 2 * HOUR, "phone_number_quality_update", onboarding);

    // Aurora: monthly volume-tier webhooks for Brazil utility (live since 2025-10-01).
    const zoneA = aurora.info.timeZone;
    const startMonth = new Date(Math.max(this.from, TIER_WEBHOOK_FROM) * 1000);
    for (let i = 0; ; i++) {
      const y = startMonth.getUTCFullYear() + Math.floor((startMonth.getUTCMonth() + i) / 12);
      const m = ((startMonth.getUTCMonth() + i) % 12) + 1;
      const t = localMidnight(zoneA, y, m, 9 + r.int(8)) + 3 * HOUR + r.int(HOUR);
      if (t > this.now) break;
      const tier = i < 4 ? "100001:500000" : i < 10 ? "500001:1000000" : "1000001:5000000";
      const info = {
        tier_update_time: t,
        pricing_category: "UTILITY",
        tier,
        effective_month: `${y}-${String(m).padStart(2, "0")}`,
        region: "Brazil",
      };
      add(aurora, t, "account_update", { volume_tier_info: info, event: "VOLUME_BASED_PRICING_TIER_UPDATE" });
      if (i === 2) {
        // Meta sometimes re-sends it later with a later tier_update_time; the earlier one is authoritative.
        const t2 = t + HOUR + r.int(HOUR);
        add(aurora, t2, "account_update", {
          volume_tier_info: { ...info, tier_update_time: t2 },
          event: "VOLUME_BASED_PRICING_TIER_UPDATE",
        });
      }
    }

    // Helio (Germany) becomes eligible for authentication-international rates: from 30 days later, Indonesia later.
    const located = this.from + 8 * DAY + r.int(DAY);
    add(helio, located, "account_update", { country: "DE", event: "BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE" });
    // Authentication-international rates exist from 2024-06-01.
    const eligible = Math.max(this.from, utcSec("2024-05-02T00:00:00Z")) + 20 * DAY + r.int(DAY);
    const intlStart = eligible + 30 * DAY;
    const idStart = eligible + 52 * DAY;
    add(helio, eligible, "account_update", {
      auth_international_rate_eligibility: {
        exception_countries: [{ country_code: "ID", start_time: idStart }],
        start_time: intlStart,
      },
      event: "AUTH_INTL_PRICE_ELIGIBILITY_UPDATE",
    });
    for (const iso of AUTH_INTL_COUNTRIES) helio.authIntlFrom.set(iso, iso === "ID" ? idStart : intlStart);

    // Kirana signs the Marketing Messages API terms and moves its marketing there.
    // The Marketing Messages API (MM Lite) opened in 2025.
    const mm = Math.max(this.from, utcSec("2025-03-10T00:00:00Z")) + 25 * DAY + r.int(DAY);
    add(kirana, mm, "account_update", {
      event: "MM_LITE_TERMS_SIGNED",
      waba_info: { owner_business_id: kirana.info.businessPortfolioId, waba_id: kirana.info.wabaId },
    });
    kirana.mmLiteFrom = mm + DAY;
    const kiranaMid = this.from + Math.round((this.now - this.from) * 0.4);
    tplStatus(kirana, kiranaMid, "REJECTED", "festive_cashback", 41, "MARKETING", {
      reason: "INVALID_FORMAT",
      rejection_info: {
        reason: "Your template has parameters placed next to each other without text or punctuation between them.",
        recommendation:
          "Separate parameters with descriptive text and ensure each parameter is clearly contextualized.",
      },
    });
    tplStatus(kirana, kiranaMid + DAY + r.int(HOUR), "APPROVED", "festive_cashback", 41, "MARKETING");
    tplQuality(kirana, kiranaMid + 20 * DAY, "offers_weekly", 40, "GREEN", "YELLOW");
    tplQuality(kirana, kiranaMid + 34 * DAY, "offers_weekly", 40, "YELLOW", "GREEN");

    // Helio: its weekend-deals template is paused twice and then disabled; a v2 replaces it.
    const hc = campaignsOf(helio);
    const pick = (f: number) => hc[Math.floor(hc.length * f)];
    const [k1, k2, k3] = [pick(0.35), pick(0.55), pick(0.75)];
    if (k1 && k2 && k3 && k1 !== k2 && k2 !== k3) {
      const p1 = k1.start + 12 * 60;
      const p2 = k2.start + 10 * 60;
      const p3 = k3.start + 9 * 60;
      tplQuality(helio, k1.start - DAY, "deals_weekend", 60, "GREEN", "YELLOW");
      tplQuality(helio, p1 - 30, "deals_weekend", 60, "YELLOW", "RED");
      tplStatus(helio, p1, "PAUSED", "deals_weekend", 60, "MARKETING", {
        other_info: {
          title: "FIRST_PAUSE",
          description: "Your WhatsApp message template has been paused for 3 hours due to low quality.",
        },
      });
      tplStatus(helio, p1 + 3 * HOUR, "REINSTATED", "deals_weekend", 60, "MARKETING", {
        other_info: { title: "UNPAUSE", description: "Your WhatsApp message template has been unpaused." },
      });
      tplQuality(helio, p1 + 3 * DAY, "deals_weekend", 60, "RED", "YELLOW");
      tplQuality(helio, p2 - 30, "deals_weekend", 60, "YELLOW", "RED");
      tplStatus(helio, p2, "PAUSED", "deals_weekend", 60, "MARKETING", {
        other_info: {
          title: "SECOND_PAUSE",
          description: "Your WhatsApp message template has been paused for 6 hours due to low quality.",
        },
      });
      tplStatus(helio, p2 + 6 * HOUR, "REINSTATED", "deals_weekend", 60, "MARKETING", {
        other_info: { title: "UNPAUSE", description: "Your WhatsApp message template has been unpaused." },
      });
      tplStatus(helio, p3, "DISABLED", "deals_weekend", 60, "MARKETING", { disable_info: { disable_date: p3 } });
      tplStatus(helio, p3 + DAY + r.int(HOUR), "APPROVED", "deals_weekend_v2", 61, "MARKETING");
      helio.pauses.push([p1, p1 + 3 * HOUR, 132015], [p2, p2 + 6 * HOUR, 132015], [p3, p3 + DAY, 132016]);
      for (const cp of hc) if (cp.start > p3) cp.template = "deals_weekend_v2";
    }

    // Throughput errors (130429) hit during Aurora's largest bursts: a system error with no status attached.
    for (const cp of this.largestCampaigns) {
      const t = cp.start + 180 + r.int(120);
      if (!inRange(t)) continue;
      s.push({
        ts: t,
        line: `${main.head}"errors":[{"code":130429,"title":"Rate limit hit","message":"Rate limit hit","error_data":{"details":"Message failed to send because there were too many messages sent from this phone number in a short period of time"},"href":"${ERROR_DOC_NEW}"}]},"field":"messages"}]}]}`,
      });
    }

    s.sort((x, y) => x.ts - y.ts);
    this.schedule = s;
  }

  // ------------------------------------------------------------ main loop

  /** Simulates the next day and returns the lines whose POST time falls in it; undefined when done. */
  nextBatch(): string[] | undefined {
    const target = this.target;
    if (this.di >= this.days.length || this.emitted >= target) return undefined;
    const di = this.di++;
    const day = this.days[di] as DayPlan;
    const remainingExpected = this.suffix[di] ?? 0;
    const ratio = this.expectedSoFar > 200 ? Math.min(3, Math.max(0.3, this.activityLines / this.expectedSoFar)) : 0.92;
    const need = this.aim - this.generated - (this.schedule.length - this.schedIdx);
    const scale = remainingExpected > 0 ? Math.max(0, need / (ratio * remainingExpected)) : 0;
    while (this.schedIdx < this.schedule.length && (this.schedule[this.schedIdx] as Scheduled).ts < day.end) {
      const sc = this.schedule[this.schedIdx++] as Scheduled;
      this.pushRaw(sc.ts, sc.line, false);
    }
    const before = this.generated;
    for (const a of this.accts) {
      const ad = day.accts[a.idx];
      if (ad) this.generateDay(a, ad, day.start, scale, true);
    }
    this.activityLines += this.generated - before;
    this.expectedSoFar += day.expected * scale;
    if (di === this.days.length - 1) {
      // Top the last day up with a little more steady traffic until the target is reachable; the overshoot is cut
      // at the end, which only trims the final minutes before `now`.
      const steady = day.accts.reduce((sum, ad) => sum + ad.steadyExpected, 0);
      for (let i = 0; i < 16 && this.generated < this.aim && steady > 0; i++) {
        const topUp = ((this.aim - this.generated) * 1.1 + 2) / (ratio * steady);
        for (const a of this.accts) {
          const ad = day.accts[a.idx];
          if (ad) this.generateDay(a, ad, day.start, topUp * 2 ** Math.floor(i / 4), false);
        }
      }
    }

    const out: string[] = [];
    const until = di === this.days.length - 1 ? Number.POSITIVE_INFINITY : day.end;
    const badAt = this.badAt;
    for (;;) {
      const top = this.heap.peek();
      if (!top || top.key >= until) break;
      this.heap.pop();
      const line = this.render(top);
      while (this.badDone < badAt.length && this.emitted === badAt[this.badDone]) {
        out.push(this.badLine(this.badDone++, this.lastLine, top.key));
        if (++this.emitted >= target) return out;
      }
      out.push(line);
      this.lastLine = line;
      if (++this.emitted >= target) return out;
    }
    return out;
  }

  private render(e: Ev): string {
    if (e.kind === 1) return e.rendered;
    if (e.kind === 0) {
      const sts = e.sts;
      if (sts.length > 1) sts.sort((x, y) => x.ts - y.ts);
      let body = "";
      for (let i = 0; i < sts.length; i++) {
        if (i > 0) body += ",";
        body += statusJson(sts[i] as StatusRec, true);
      }
      e.rendered = e.phone.statusHead + body + STATUS_TAIL;
      e.sts = [];
      e.max = 0;
      return e.rendered;
    }
    const orig = e.of.rendered;
    return e.reorder ? JSON.stringify(reorderKeys(JSON.parse(orig))) : orig;
  }

  /** Realistic log damage: a write cut short, a stray non-webhook body, a status that lost its id. */
  private badLine(n: number, previous: string, t: number): string {
    if (n === 0)
      return (previous || '{"object":"whatsapp_business_account","entry":[{"id":"1').slice(
        0,
        Math.max(20, Math.floor(previous.length * 0.6)),
      );
    if (n === 1) return '{"hello":"world"}';
    const a = this.accts[0] as Acct;
    const u = this.user(a, 0);
    const m: Msg = {
      id: "",
      rcpt: u.phone,
      uid: "",
      convSent: "",
      convOther: "",
      pricing: pmpPricing(Cat.Utility, "regular", true),
      errors: "",
    };
    return (a.phones[0] as Phone).statusHead + statusJson({ m, s: SENT, ts: t, full: true }, false) + STATUS_TAIL;
  }

  // ------------------------------------------------------------ event plumbing

  private maybeDuplicate(e: StatusEv | RawEv) {
    const x = this.rng.next();
    // Meta retries: a verbatim redelivery (~0.2%) or the same body re-serialised with another key order (~0.5%).
    if (x >= 0.007) return;
    const key = e.key + 20 + this.rng.int(x < 0.002 ? 2 * HOUR : 40 * 60);
    if (key > this.now) return;
    this.heap.push({ kind: 2, key, seq: this.seq++, of: e, reorder: x >= 0.002 });
    this.generated++;
  }

  private pushRaw(ts: number, line: string, dup = true) {
    if (ts > this.now) return;
    const e: RawEv = { kind: 1, key: ts, seq: this.seq++, rendered: line };
    this.heap.push(e);
    this.generated++;
    if (dup) this.maybeDuplicate(e);
  }

  private pushStatus(phone: Phone, m: Msg, s: number, ts: number, full: boolean) {
    if (ts > this.now) return;
    const rec: StatusRec = { m, s, ts, full };
    const b = phone.batch;
    if (b && ts >= b.start && ts <= b.key && b.sts.length < b.max) {
      b.sts.push(rec);
      return;
    }
    let ev: StatusEv;
    if (this.rng.next() < 0.1) {
      // Meta batches updates that pile up within seconds on the same number.
      const end = Math.min(this.now, ts + (this.rng.chance(0.2) ? 60 + this.rng.int(240) : 3 + this.rng.int(40)));
      ev = {
        kind: 0,
        key: end,
        seq: this.seq++,
        phone,
        sts: [rec],
        start: ts,
        max: 2 + this.rng.int(19),
        rendered: "",
      };
      phone.batch = ev;
    } else {
      ev = { kind: 0, key: ts, seq: this.seq++, phone, sts: [rec], start: ts, max: 1, rendered: "" };
    }
    this.heap.push(ev);
    this.generated++;
    this.maybeDuplicate(ev);
  }

  // ------------------------------------------------------------ ids

  /** Same layout as real wamids: base64 of 1c 18 <len> <phone> 15 02 00 11|12 18 <len> <hex id> 00. */
  private wamid(phone: string, inbound: boolean): string {
    const b = this.scratch;
    let o = 0;
    b[o++] = 0x1c;
    b[o++] = 0x18;
    b[o++] = phone.length;
    for (let i = 0; i < phone.length; i++) b[o++] = phone.charCodeAt(i);
    b[o++] = 0x15;
    b[o++] = 0x02;
    b[o++] = 0x00;
    b[o++] = inbound ? 0x12 : 0x11;
    b[o++] = 0x18;
    b[o++] = inbound ? 20 : 18;
    if (inbound) {
      b[o++] = 0x33;
      b[o++] = 0x41;
    }
    // The first 8 hex digits are a bijection of the counter, so every id is unique.
    o = writeHex(b, o, mix32(this.msgCounter++ ^ this.idSalt), 8);
    o = writeHex(b, o, this.rng.u32(), 8);
    o = writeHex(b, o, this.rng.u32(), 2);
    b[o++] = 0x00;
    return `wamid.${b.toString("base64", 0, o)}`;
  }

  private convId(): string {
    const n = this.convCounter++;
    return hex8(mix32(n ^ (this.idSalt * 31))) + hex8(this.rng.u32()) + hex8(this.rng.u32()) + hex8(this.rng.u32());
  }

  // ------------------------------------------------------------ users

  private user(a: Acct, idx: number): User {
    const existing = a.users[idx];
    if (existing) return existing;
    const r = new Rng(hash32(this.seed, 11, a.idx, idx));
    let w = r.next() * a.mixTotal;
    let iso = a.p.mix[0]?.[0] ?? "BR";
    for (const [code, weight] of a.p.mix) {
      w -= weight;
      if (w < 0) {
        iso = code;
        break;
      }
    }
    const country = COUNTRIES[iso] as Country;
    const u: User = {
      country,
      phone: country.cc + country.national(r),
      bsuid: `${iso}.${1 + r.int(9)}${r.digits(18)}`,
      name: `"${country.lang === "pt" || country.lang === "es" ? "Cliente" : "Customer"} ${String(r.int(10000)).padStart(4, "0")}"`,
      home: a.p.homePhone(iso, r),
      invalid: r.chance(0.012),
      inAt: Number.NEGATIVE_INFINITY,
      prevInAt: Number.NEGATIVE_INFINITY,
      stopAt: Number.POSITIVE_INFINITY,
      resumeAt: Number.NEGATIVE_INFINITY,
      fepFrom: 0,
      fepUntil: 0,
      fepConv: "",
      conv: [],
      lastTemplate: "",
      lastBusiness: "",
    };
    a.users[idx] = u;
    return u;
  }

  /** The customer base grows over the range; frequent customers (low index) come back more often. */
  private activeUsers(a: Acct, t: number): number {
    const progress = Math.min(1, Math.max(0, (t - this.from) / Math.max(DAY, this.now - this.from)));
    return Math.max(10, Math.round(a.pool * (0.3 + 0.7 * progress)));
  }

  private randomUser(a: Acct, t: number): User {
    const n = this.activeUsers(a, t);
    return this.user(a, Math.floor(n * this.rng.next() ** 1.4));
  }

  private phoneFor(a: Acct, u: User, t: number): Phone {
    const p = a.phones[u.home] as Phone;
    return t >= p.activeFrom ? p : (a.phones[0] as Phone);
  }

  // ------------------------------------------------------------ one account-day

  private generateDay(a: Acct, ad: AcctDay, dayStart: number, scale: number, withCampaigns: boolean) {
    const rng = this.rng;
    const starts: Array<{ t: number; k: K; u: number }> = [];
    for (let h = 0; h < 24; h++) {
      for (let k = 0; k < STEADY_KINDS; k++) {
        const n = rng.round((ad.steady[k * 24 + h] ?? 0) * scale);
        for (let j = 0; j < n; j++) starts.push({ t: dayStart + h * HOUR + rng.int(HOUR), k: k as K, u: 0 });
      }
    }
    for (const cp of withCampaigns ? ad.campaigns : []) {
      const active = this.activeUsers(a, cp.start);
      const n = Math.min(rng.round(cp.size * scale), Math.floor(active * 0.8));
      if (n <= 0) continue;
      // Distinct recipients: walk the active base with a stride coprime to its size.
      const first = rng.int(active);
      let stride = 7919 % active || 1;
      while (gcd(stride, active) !== 1) stride++;
      for (let i = 0; i < n; i++) {
        starts.push({
          t: cp.start + Math.floor((i * cp.dur) / n) + rng.int(3),
          k: K.Campaign,
          u: (first + i * stride) % active,
        });
      }
    }
    starts.sort((x, y) => x.t - y.t);
    for (const s of starts) {
      switch (s.k) {
        case K.Utility:
          this.utility(a, s.t);
          break;
        case K.Auth:
          this.authentication(a, s.t);
          break;
        case K.Marketing:
          this.trickleMarketing(a, s.t);
          break;
        case K.Inbound:
          this.session(a, this.randomUser(a, s.t), s.t, rng.chance(a.p.ctwaShare));
          break;
        case K.Campaign:
          this.campaignMessage(a, this.user(a, s.u), s.t);
          break;
      }
    }
  }

  private marketingCat(a: Acct, t: number): Cat {
    return t >= a.mmLiteFrom ? Cat.MarketingLite : Cat.Marketing;
  }

  private utility(a: Acct, t: number) {
    const u = this.randomUser(a, t);
    // Aurora's feedback template counts as marketing once Meta recategorises it.
    if (a.idx === 0 && t >= a.recategorizedAt && this.rng.chance(0.15)) {
      this.send(a, this.phoneFor(a, u, t), u, Cat.Marketing, true, t);
      return;
    }
    this.send(a, this.phoneFor(a, u, t), u, Cat.Utility, true, t);
  }

  private authentication(a: Acct, t: number) {
    const u = this.randomUser(a, t);
    const phone = a.phones[a.p.authPhone] as Phone;
    const intlFrom = a.authIntlFrom.get(u.country.iso);
    const cat =
      intlFrom !== undefined && t >= intlFrom && u.country.iso !== a.info.primaryCountry ? Cat.AuthIntl : Cat.Auth;
    this.send(a, phone, u, cat, true, t);
    // Users who do not see the code ask for another one.
    if (this.rng.chance(0.08)) this.send(a, phone, u, cat, true, t + 30 + this.rng.int(150));
  }

  private trickleMarketing(a: Acct, t: number) {
    const u = this.randomUser(a, t);
    this.send(a, a.phones[0] as Phone, u, this.marketingCat(a, t), true, t);
  }

  private campaignMessage(a: Acct, u: User, t: number) {
    let paused = 0;
    for (const [p0, p1, code] of a.pauses) if (t >= p0 && t < p1) paused = code;
    const m = this.send(a, a.phones[0] as Phone, u, this.marketingCat(a, t), true, t, paused, true);
    // A few recipients answer the campaign; some use the quick reply to stop promotions.
    if (m && this.rng.chance(0.035)) {
      const t2 = t + 60 + Math.round(this.rng.logn(1200, 1.2));
      if (this.rng.chance(0.1)) this.stopPromotions(a, u, t2, m);
      else this.session(a, u, t2, false, m);
    }
  }

  // ------------------------------------------------------------ outbound messages and their statuses

  /** Sends one business message and schedules its status webhooks; returns its wamid unless it failed. */
  private send(
    a: Acct,
    phone: Phone,
    u: User,
    cat: Cat,
    template: boolean,
    t: number,
    paused = 0,
    campaign = false,
  ): string {
    const rng = this.rng;
    const tSent = t + rng.int(2);
    const isMarketing = cat === Cat.Marketing || cat === Cat.MarketingLite;
    let err = 0;
    if (u.invalid) err = 131026;
    else if (!template && !cswOpen(u, tSent)) err = 131047;
    else if (isMarketing) {
      if (u.country.iso === "US" && tSent >= US_MARKETING_BLOCK) err = 131049;
      else if (optedOut(u, tSent)) err = 131050;
      else if (paused !== 0) err = paused;
      else if (u.country.capped && rng.chance(0.03)) err = 131049;
      else if (rng.chance(0.003)) err = 130472;
      else if (campaign && rng.chance(0.001)) err = 131056;
    }
    const m: Msg = {
      id: this.wamid(u.phone, false),
      rcpt: u.phone,
      uid: tSent >= BSUID_FROM ? u.bsuid : "",
      convSent: "",
      convOther: "",
      pricing: "",
      errors: "",
    };
    if (err !== 0) {
      m.errors = errorJson(err, tSent);
      // Unreachable numbers sometimes show "sent" before failing; policy rejections fail straight away.
      if (err === 131026 && rng.chance(0.3)) {
        this.price(a, u, m, cat, template, tSent, false);
        this.pushStatus(phone, m, SENT, tSent, true);
        this.pushStatus(phone, m, FAILED, tSent + 1 + rng.int(20), false);
      } else {
        this.pushStatus(phone, m, FAILED, tSent + rng.int(3), false);
      }
      return "";
    }
    const effCat = this.price(a, u, m, cat, template, tSent, true);
    this.pushStatus(phone, m, SENT, tSent, true);
    const x = rng.next();
    let tDel: number;
    if (x < 0.93) tDel = tSent + 1 + Math.round(rng.logn(3, 0.8));
    else if (x < 0.98) tDel = tSent + 600 + rng.int(8 * HOUR);
    else tDel = -1;
    if (tDel > 0) {
      const read = rng.chance(READ_RATE[effCat] ?? 0.6);
      const skipDelivered = read && rng.chance(0.05);
      if (!skipDelivered) this.pushStatus(phone, m, DELIVERED, tDel, true);
      if (read) {
        const y = rng.next();
        const delay = y < 0.35 ? 2 + rng.int(60) : y < 0.75 ? 60 + rng.int(HOUR) : HOUR + rng.int(15 * HOUR);
        this.pushStatus(phone, m, READ, tDel + delay, skipDelivered);
      }
    }
    if (template) u.lastTemplate = m.id;
    u.lastBusiness = m.id;
    return m.id;
  }

  /** Fills the message's pricing and conversation fragments for its era; returns the category Meta reports. */
  private price(a: Acct, u: User, m: Msg, cat: Cat, template: boolean, t: number, delivered: boolean): Cat {
    const conv = (id: string, origin: Cat, exp: number) => {
      m.convSent = `,"conversation":{"id":"${id}","expiration_timestamp":"${exp}","origin":{"type":"${ORIGIN[origin]}"}}`;
      m.convOther = `,"conversation":{"id":"${id}","origin":{"type":"${ORIGIN[origin]}"}}`;
    };
    const cbp = t < a.pmpFrom;
    if (u.fepFrom <= t && t < u.fepUntil) {
      conv(u.fepConv, Cat.Referral, u.fepUntil);
      m.pricing = cbp ? cbpPricing(Cat.Referral, false) : pmpPricing(Cat.Referral, "free_entry_point", false);
      return Cat.Referral;
    }
    if (cbp && t < a.categoryFrom) {
      // 2022 model: one conversation at a time, user-initiated when the user wrote in the last 24 h.
      let slot = u.conv[Cat.BusinessInitiated];
      if (!slot || slot.at > t || slot.exp <= t) {
        const kind = cswOpen(u, t) ? Cat.UserInitiated : Cat.BusinessInitiated;
        slot = { id: this.convId(), exp: t + DAY, at: t, cat: kind };
        if (delivered) u.conv[Cat.BusinessInitiated] = slot;
      }
      conv(slot.id, slot.cat, slot.exp);
      m.pricing = cbpPricing(slot.cat, true);
      return slot.cat;
    }
    if (cbp) {
      let slotCat: Cat = cat;
      let slot = template ? u.conv[cat] : undefined;
      if (!template) {
        // A free-form reply rides on whichever conversation is open; only with none open does it open a service one.
        let best: Conversation | undefined;
        for (let c = 0; c < u.conv.length; c++) {
          const open = u.conv[c];
          if (open && open.at <= t && open.exp > t && (!best || open.at > best.at)) best = open;
        }
        slot = best;
        slotCat = best ? best.cat : Cat.Service;
      }
      if (!slot || slot.at > t || slot.exp <= t) {
        const stored = u.conv[slotCat];
        slot = { id: this.convId(), exp: t + DAY, at: t, cat: slotCat };
        if (delivered && !(stored && stored.at > t)) u.conv[slotCat] = slot;
      }
      conv(slot.id, slotCat, slot.exp);
      m.pricing = cbpPricing(slotCat, slotCat !== Cat.Service || t < a.serviceFreeFrom);
      return slotCat;
    }
    // A utility conversation opened under CBP keeps absorbing utility templates after the switch.
    const carried = u.conv[Cat.Utility];
    if (template && cat === Cat.Utility && carried && carried.at <= t && carried.exp > t && carried.at < a.pmpFrom) {
      conv(carried.id, Cat.Utility, carried.exp);
      m.pricing = cbpPricing(Cat.Utility, true);
      return Cat.Utility;
    }
    const paid = t >= a.paidServiceFrom;
    let reported = cat;
    let type = "regular";
    let billable = true;
    if (!template) {
      reported = Cat.Service;
      if (!paid) {
        type = "free_customer_service";
        billable = false;
      }
    } else if (cat === Cat.Utility && cswOpen(u, t) && !paid) {
      type = "free_customer_service";
      billable = false;
    }
    m.pricing = pmpPricing(reported, type, billable);
    if (t < a.v24From) {
      // v23 and older: a per-message "conversation" id; expiry equals the timestamp for free service replies.
      conv(this.convId(), reported, type === "free_customer_service" && !template ? t : t + DAY);
    }
    return reported;
  }

  // ------------------------------------------------------------ inbound traffic

  private inboundLine(phone: Phone, u: User, t: number, body: string, withContacts = true): string {
    const uid = t >= BSUID_FROM;
    const contacts = withContacts
      ? `"contacts":[{"profile":{"name":${u.name}},"wa_id":"${u.phone}"${uid ? `,"user_id":"${u.bsuid}"` : ""}}],`
      : "";
    return `${phone.head}${contacts}"messages":[${body}]},"field":"messages"}]}]}`;
  }

  private fromFields(u: User, id: string, t: number): string {
    return `"from":"${u.phone}"${t >= BSUID_FROM ? `,"from_user_id":"${u.bsuid}"` : ""},"id":"${id}","timestamp":"${t}"`;
  }

  private userMessage(
    a: Acct,
    phone: Phone,
    u: User,
    t: number,
    opts: { ctwa?: boolean; stop?: boolean; first?: boolean; context?: string },
  ) {
    const rng = this.rng;
    const id = this.wamid(u.phone, true);
    const lang = u.country.lang;
    let body: string;
    if (opts.ctwa) {
      const ad = a.ads[Math.floor((t - this.from) / (75 * DAY)) % a.ads.length] ?? "120220000000000000";
      const clid = `Aff${Buffer.from(`${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}`, "hex").toString("base64url")}`;
      const referral = `{"source_url":"https://fb.me/${hex8(hash32(this.seed, Number(ad.slice(-9)))).slice(0, 8)}","source_id":"${ad}","source_type":"ad","body":"New season, new offers","headline":"Chat with us","media_type":"image","image_url":"https://scontent.xx.fbcdn.net/v/t45.1600-4/${ad.slice(-9)}_n.jpg","ctwa_clid":"${clid}","welcome_message":{"text":"Hi there! How can we help?"}}`;
      body = `{"referral":${referral},${this.fromFields(u, id, t)},"text":{"body":${rng.pick(CTWA_TEXTS[lang])}},"type":"text"}`;
    } else if (opts.stop) {
      body = `{${this.fromFields(u, id, t)},"type":"text","text":{"body":${rng.pick(STOP_TEXTS[lang])}}}`;
    } else {
      const x = rng.next();
      const ctx = opts.context ?? (u.lastBusiness || "");
      if (x < 0.08 && u.lastTemplate) {
        const [payload, text] = rng.pick(BUTTON_REPLIES);
        body = `{"context":{"from":"${phone.display}","id":"${u.lastTemplate}"},${this.fromFields(u, id, t)},"type":"button","button":{"payload":${payload},"text":${text}}}`;
      } else if (x < 0.18 && ctx && !opts.first) {
        body = `{"context":{"from":"${phone.display}","id":"${ctx}"},${this.fromFields(u, id, t)},"type":"interactive","interactive":${rng.pick(INTERACTIVE)}}`;
      } else if (x < 0.22 && ctx && !opts.first) {
        body = `{${this.fromFields(u, id, t)},"type":"reaction","reaction":{"message_id":"${ctx}","emoji":"${rng.pick(EMOJIS)}"}}`;
      } else if (x < 0.3) {
        const media = `${1 + rng.int(9)}${rng.digits(15)}`;
        const sha = Buffer.from(
          `${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}${hex8(rng.u32())}`,
          "hex",
        ).toString("base64");
        const caption = rng.chance(0.4) ? `"caption":${rng.pick(CAPTIONS)},` : "";
        body = `{${this.fromFields(u, id, t)},"type":"image","image":{${caption}"mime_type":"image/jpeg","sha256":"${sha}","id":"${media}","url":"https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=${media}&ext=${t}&hash=ARx${hex8(rng.u32())}"}}`;
      } else if (x < 0.302) {
        body = `{${this.fromFields(u, id, t)},"type":"unsupported","errors":[{"code":131051,"title":"Message type unknown","message":"Message type unknown","error_data":{"details":"Message type is currently not supported."}}]}`;
      } else if (x < 0.3035 && !opts.first) {
        // The user moved to a new number: Meta says so with a system message and the user continues from the new one.
        const newPhone = u.country.cc + u.country.national(rng);
        body = `{"from":"${u.phone}","id":"${id}","timestamp":"${t}","system":{"body":"User changed from ${u.phone} to ${newPhone}","wa_id":"${newPhone}","type":"user_changed_number"},"type":"system"}`;
        this.pushRaw(t, this.inboundLine(phone, u, t, body, false));
        u.phone = newPhone;
        // Marketing preferences were recorded against the old number.
        u.stopAt = Number.POSITIVE_INFINITY;
        return;
      } else {
        body = `{${this.fromFields(u, id, t)},"type":"text","text":{"body":${rng.pick(TEXTS[lang])}}}`;
      }
    }
    this.pushRaw(t, this.inboundLine(phone, u, t, body));
    wroteIn(u, t);
  }

  private preference(phone: Phone, u: User, t: number, value: "stop" | "resume") {
    const detail =
      value === "stop" ? "User requested to stop marketing messages" : "User requested to resume marketing messages";
    this.pushRaw(
      t,
      `${phone.head}"contacts":[{"wa_id":"${u.phone}"}],"user_preferences":[{"wa_id":"${u.phone}","detail":"${detail}","category":"marketing_messages","value":"${value}","timestamp":${t}}]},"field":"user_preferences"}]}]}`,
    );
    if (value === "stop") u.stopAt = t;
    else u.resumeAt = t;
  }

  private stopPromotions(a: Acct, u: User, t: number, templateId: string) {
    const phone = a.phones[0] as Phone;
    const id = this.wamid(u.phone, true);
    this.pushRaw(
      t,
      this.inboundLine(
        phone,
        u,
        t,
        `{"context":{"from":"${phone.display}","id":"${templateId}"},${this.fromFields(u, id, t)},"type":"button","button":{"payload":"Stop promotions","text":"Stop promotions"}}`,
      ),
    );
    wroteIn(u, t);
    this.preference(phone, u, t + 2 + this.rng.int(30), "stop");
  }

  /** A user writes in (maybe from an ad), the business answers inside the window, sometimes a follow-up template. */
  private session(a: Acct, u: User, t: number, ctwa: boolean, context?: string) {
    // Numbers that are not on WhatsApp (they fail with 131026) never write in.
    if (u.invalid) return;
    const rng = this.rng;
    const phone = this.phoneFor(a, u, t);
    if (optedOut(u, t) && rng.chance(0.1))
      this.preference(phone, u, Math.max(this.from, t - 5 - rng.int(600)), "resume");
    const stop = !ctwa && !context && rng.chance(0.006);
    let last = t;
    const count = stop ? 1 : 1 + (rng.chance(0.35) ? 1 : 0) + (rng.chance(0.12) ? 1 : 0);
    for (let i = 0; i < count; i++) {
      if (i > 0) last += 5 + rng.int(85);
      this.userMessage(a, phone, u, last, { ctwa: ctwa && i === 0, stop, first: i === 0 && !context, context });
    }
    if (stop) {
      this.preference(phone, u, last + 3 + rng.int(30), "stop");
      if (rng.chance(0.7)) this.send(a, phone, u, Cat.Service, false, last + 20 + rng.int(300));
      return;
    }
    if (!rng.chance(ctwa ? 0.97 : 0.88)) return;
    const y = rng.next();
    // Mostly quick answers; some hours later; a few agents answer after the 24 h window closed (131047).
    const delay =
      y < 0.9
        ? 15 + Math.round(rng.logn(ctwa ? 60 : 90, 1))
        : y < 0.994
          ? 600 + rng.int(2 * HOUR)
          : DAY + 60 + rng.int(6 * HOUR);
    let tr = last + delay;
    // Answering an ad click from a phone opens the 72 h free-entry-point window (desktop clicks don't qualify).
    if (ctwa && delay < DAY && rng.chance(0.9)) {
      u.fepFrom = tr;
      u.fepUntil = tr + 3 * DAY;
      u.fepConv = this.convId();
      if (tr < a.pmpFrom) u.conv = [];
    }
    const replies = 1 + (rng.chance(0.45) ? 1 : 0) + (rng.chance(0.15) ? 1 : 0);
    for (let i = 0; i < replies; i++) {
      if (i > 0) tr += 5 + rng.int(55);
      this.send(a, phone, u, Cat.Service, false, tr);
    }
    if (rng.chance(0.3) && delay < DAY) {
      const t2 = tr + 60 + rng.int(600);
      this.userMessage(a, phone, u, t2, { context: u.lastBusiness });
      this.send(a, phone, u, Cat.Service, false, t2 + 20 + Math.round(rng.logn(80, 0.8)));
    }
    if (rng.chance(0.22)) {
      // Order or booking confirmation sent while the service window is open.
      this.send(a, phone, u, Cat.Utility, true, tr + 120 + rng.int(40 * 60));
    } else if (rng.chance(0.03)) {
      this.send(a, phone, u, this.marketingCat(a, tr), true, tr + 300 + rng.int(HOUR));
    }
    if (ctwa && u.fepUntil > tr && rng.chance(0.4)) {
      this.send(a, a.phones[0] as Phone, u, this.marketingCat(a, tr), true, tr + 20 * HOUR + rng.int(20 * HOUR));
    }
  }
}

const HEX_UPPER = "0123456789ABCDEF";

function writeHex(b: Buffer, o: number, x: number, digits: number): number {
  for (let i = digits - 1; i >= 0; i--) b[o++] = HEX_UPPER.charCodeAt((x >>> (i * 4)) & 15);
  return o;
}

function cswOpen(u: User, t: number): boolean {
  return (u.inAt <= t && t < u.inAt + DAY) || (u.prevInAt <= t && t < u.prevInAt + DAY);
}

function wroteIn(u: User, t: number) {
  if (t >= u.inAt) {
    u.prevInAt = u.inAt;
    u.inAt = t;
  } else if (t > u.prevInAt) {
    u.prevInAt = t;
  }
}

function optedOut(u: User, t: number): boolean {
  return u.stopAt <= t && !(u.resumeAt >= u.stopAt && u.resumeAt <= t);
}

function gcd(x: number, y: number): number {
  while (y) [x, y] = [y, x % y];
  return x;
}

function statusJson(st: StatusRec, withId: boolean): string {
  const m = st.m;
  let s = withId ? `{"id":"${m.id}","status":"${STATUS_NAMES[st.s]}"` : `{"status":"${STATUS_NAMES[st.s]}"`;
  s += `,"timestamp":"${st.ts}","recipient_id":"${m.rcpt}"`;
  if (m.uid) s += `,"recipient_user_id":"${m.uid}"`;
  if (st.s === FAILED) s += m.errors;
  else if (st.full) s += (st.s === SENT ? m.convSent : m.convOther) + m.pricing;
  return `${s}}`;
}
