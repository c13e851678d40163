// Reads the query files in app/.server/queries/*.sql (never bundled: the build reads them from the project folder).
import fs from "node:fs";
import path from "node:path";
import { projectRoot } from "../db/index";

const cache = new Map<string, string>();

/** The text of `app/.server/queries/<name>.sql`, read once per process. */
export function loadSql(name: string): string {
  let sql = cache.get(name);
  if (sql === undefined) {
    // Names come from code, not users; still refuse anything that could walk out of the folder.
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`invalid query name "${name}"`);
    sql = fs.readFileSync(path.join(projectRoot(), "app/.server/queries", `${name}.sql`), "utf8");
    cache.set(name, sql);
  }
  return sql;
}

/** DuckDB's JSON rows carry BIGINT as strings; the views want plain numbers (counts stay far below 2^53). */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : 0;
}

/** Epoch milliseconds (as DuckDB returns them) → ISO-8601 UTC instant, or null. */
export function msToIso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const ms = Number(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
