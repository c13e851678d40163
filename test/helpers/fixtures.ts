// Where the shared real webhook payloads live: `shared/` beside the repository (CI's layout), or WABA_LEDGER_FIXTURES.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

function locate(): string {
  const candidates = [
    process.env.WABA_LEDGER_FIXTURES,
    path.resolve(ROOT, "../shared/fixtures/webhooks"),
    path.resolve(ROOT, "shared/fixtures/webhooks"),
  ].filter((p): p is string => Boolean(p));
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `webhook fixtures not found (looked in ${candidates.join(", ")}): put shared/ beside the repository or set WABA_LEDGER_FIXTURES`,
    );
  }
  return found;
}

export const FIXTURES = locate();

export const fixtureFiles = () =>
  fs
    .readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .sort();
