// Typed wrapper for demo-status.sql: is demo data loaded? Read on every page for the banner, so kept tiny.
import type { Ledger } from "../db/index";
import { loadSql, toNumber } from "./sql";

export async function demoStatus(ledger: Ledger): Promise<{ demoWabaCount: number }> {
  const rows = await ledger.all(loadSql("demo-status"));
  return { demoWabaCount: toNumber(rows[0]?.demo_wabas) };
}
