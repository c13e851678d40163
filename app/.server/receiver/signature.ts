// Meta's webhook authentication: the X-Hub-Signature-256 HMAC over the raw body, and the verify-token handshake.
// Pure functions over bytes and strings; never logs or stores a secret.
import crypto from "node:crypto";

export type SignatureVerdict = "ok" | "missing" | "malformed" | "mismatch";

const SIGNATURE_RE = /^sha256=([0-9a-fA-F]{64})$/;

/** WHATSAPP_APP_SECRET holds one secret, or several separated by commas while an app secret is rotated. */
export function parseAppSecrets(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * Checks `sha256=<hex>` against HMAC-SHA256(body) under each secret. Every secret is tried even after a match, so
 * the time taken does not tell an attacker which secret (or how much of a digest) matched.
 */
export function verifySignature(
  body: Buffer,
  header: string | string[] | undefined,
  secrets: readonly string[],
): SignatureVerdict {
  if (header === undefined || header === "") return "missing";
  if (Array.isArray(header)) return "malformed";
  const match = SIGNATURE_RE.exec(header.trim());
  if (!match?.[1]) return "malformed";
  const given = Buffer.from(match[1], "hex");
  let ok = false;
  for (const secret of secrets) {
    const expected = crypto.createHmac("sha256", secret).update(body).digest();
    ok = crypto.timingSafeEqual(given, expected) || ok;
  }
  return ok ? "ok" : "mismatch";
}

/** The header value Meta would send for `body` (tests and the load benchmark sign with it). */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${crypto.createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** Constant-time string equality whatever the lengths: both sides are hashed to 32 bytes first. */
export function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash("sha256").update(given).digest();
  const b = crypto.createHash("sha256").update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
