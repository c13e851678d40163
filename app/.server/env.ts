// Server environment, checked once with zod: every setting the product reads from the environment lives here.
import path from "node:path";
import { z } from "zod";

const schema = z.object({
  LEDGER_DB: z.string().min(1).default("data/ledger.duckdb"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  LEDGER_TOKEN: z.string().min(1).optional(),
  LEDGER_HASH_KEY: z.string().min(16, "LEDGER_HASH_KEY must be at least 16 characters").optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(1).optional(),
  WHATSAPP_APP_SECRET: z.string().min(1).optional(),
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
