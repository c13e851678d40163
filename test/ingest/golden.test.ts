// Every real fixture payload ingests to the checked-in golden rows (UPDATE_GOLDEN=1 rewrites them after review).
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Ledger } from "../../app/.server/db";
import { ingestPaths } from "../../ingest/pipeline";
import { dumpEvents, EVENT_TABLES, FIXTURES, fixtureFiles, tempLedger } from "../helpers/ledger";

const GOLDEN = path.resolve(__dirname, "../golden/webhooks");

describe("fixtures ingest to golden rows", () => {
  let ctx: Awaited<ReturnType<typeof tempLedger>>;
  let ledger: Ledger;
  beforeAll(async () => {
    ctx = await tempLedger();
    ledger = ctx.ledger;
  });
  afterAll(() => ctx.cleanup());

  it("has all 46 fixtures", () => {
    expect(fixtureFiles()).toHaveLength(46);
  });

  for (const name of fixtureFiles()) {
    it(name, async () => {
      // Each fixture alone: several Meta examples reuse one wamid, which a shared database would dedupe.
      for (const t of [...EVENT_TABLES, "quarantine", "source_files"]) {
        await ledger.run(`DELETE FROM ${t}`);
      }
      const summary = await ingestPaths(ledger, [path.join(FIXTURES, name)], { source: "test" });
      const rows = await dumpEvents(ledger);
      const actual = {
        summary: {
          payloads: summary.payloads,
          events: summary.events,
          duplicates: summary.duplicates,
          quarantined: summary.quarantined,
        },
        rows,
      };
      const file = path.join(GOLDEN, name);
      if (process.env.UPDATE_GOLDEN) {
        fs.mkdirSync(GOLDEN, { recursive: true });
        fs.writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
      }
      expect(JSON.parse(JSON.stringify(actual))).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
    });
  }
});
