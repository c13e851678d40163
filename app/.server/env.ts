// Server environment, checked once with zod: every setting the product reads from the environment lives here.
import path from "node:path";
import { z } from "zod";

const schema = z.object({
  LEDGER_DB: z.string().min(1).default("data/ledger.duckdb"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  LEDGER_TOKEN: z.string().min(1).optional(),
  LEDGER_HASH_KEY: z.string().min(16, "LEDGER_HASH_KEY must be at least 16 characters").optional(),
  /** Meta's subscription handshake echoes hub.challenge only when hub.verify_token equals this. */
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  /** The Meta app secret that signs webhook bodies; several, comma-separated, while rotating. Unset: POSTs get 503. */
  WHATSAPP_APP_SECRET: z
    .string()
    .min(1)
    .refine((v) => v.split(",").some((s) => s.trim().length > 0), "it holds no secret, only commas")
    .optional(),
  /**
   * Largest webhook body accepted (Meta batches up to 1,000 updates per POST, well under 1 MiB). At most 16 MiB: the
   * ingest reads no larger JSON object.
   */
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(16 * 1024 * 1024)
    .default(1024 * 1024),
  /** How long a webhook-log segment stays open before it is closed and ingested (the receipt-to-ingest lag). */
  WEBHOOK_SEGMENT_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
});

export type Env = z.infer<typeof schema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = schema.safeParse(
    Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== "")),
  );
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `environment variable ${String(first?.path[0])} is invalid: ${first?.message}. Fix or unset it and retry.`,
    );
  }
  return parsed.data;
}

export function resolveDbPath(explicit?: string, source: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(explicit ?? readEnv(source).LEDGER_DB);
}
