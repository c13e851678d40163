// Record n of a JSON Lines file is line n plus the white-space-only lines before it (DuckDB skips those).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { itemAt, lineNumberSql } from "../../ingest/pipeline";

/** Evaluates the CASE expression lineNumberSql builds, for one record number. */
function evalLine(sql: string, rec: number): number {
  if (sql === "s.rec") return rec;
  for (const m of sql.matchAll(/WHEN s\.rec > (\d+) THEN (\d+)/g)) if (rec > Number(m[1])) return rec + Number(m[2]);
  return rec;
}

describe("lineNumberSql", () => {
  it("is the identity without blank lines", () => {
    expect(lineNumberSql({ blankLines: [], lines: 10 })).toBe("s.rec");
  });

  it("maps every record to its line for any placement of blank lines", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), (isBlank) => {
        const blankLines = isBlank.flatMap((b, i) => (b ? [i + 1] : []));
        const sql = lineNumberSql({ blankLines, lines: isBlank.length });
        const contentLines = isBlank.flatMap((b, i) => (b ? [] : [i + 1]));
        for (const [i, line] of contentLines.entries()) expect(evalLine(sql, i + 1)).toBe(line);
      }),
    );
  });
});

describe("itemAt", () => {
  it("walks a quarantine item path into the payload", () => {
    const payload = { entry: [{ changes: [{ value: { statuses: [{ id: "a" }, { id: "b" }] } }] }] };
    expect(itemAt(payload, "entry[0].changes[0].value.statuses[1]")).toEqual({ id: "b" });
    expect(itemAt(payload, "entry[3].changes[0]")).toBeUndefined();
  });
});
