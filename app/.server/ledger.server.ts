// The ledger the Remix loaders read: the DuckDB file named by LEDGER_DB (set by `waba-ledger serve` before the build loads).
import { type Ledger, openLedger } from "./db/index";
import { resolveDbPath } from "./env";

/** Shares the server process's open ledger (openLedger keeps one instance per file), so loaders never hit a lock. */
export function getLedger(): Promise<Ledger> {
  return openLedger(resolveDbPath());
}
