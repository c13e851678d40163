// Vitest global setup: builds the Remix app once when the e2e tests will run and the build is missing or stale.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const BUILD = path.join(ROOT, "build/server/index.js");
// Folders whose tests start the built server (the receiver's tests run `waba-ledger serve` too).
const E2E_DIRS = ["test/e2e/", "test/receiver/"];

function newestMtimeMs(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtimeMs(path.join(target, entry)));
  return newest;
}

/** Whether this vitest run can include e2e tests: no file filters, or a filter that matches the e2e folder. */
function e2eSelected(): boolean {
  const args = process.argv.slice(2).filter((a) => a !== "run" && a !== "watch" && !a.startsWith("-"));
  // Only path-like arguments are trusted as filters; anything else (an option's value) means "can't tell".
  const filters = args.filter((a) => a.includes("/") || a.includes(".test") || a.startsWith("test"));
  if (filters.length === 0 || filters.length !== args.length) return true;
  return filters.some(
    (f) =>
      E2E_DIRS.some((dir) => dir.startsWith(f.replace(/^\.\//, ""))) || f.includes("e2e") || f.includes("receiver"),
  );
}

export default function setup(): void {
  if (!e2eSelected()) return;
  const sources = Math.max(
    newestMtimeMs(path.join(ROOT, "app")),
    newestMtimeMs(path.join(ROOT, "vite.config.ts")),
    newestMtimeMs(path.join(ROOT, "package-lock.json")),
  );
  if (fs.existsSync(BUILD) && fs.statSync(BUILD).mtimeMs >= sources) return;

  // The build must not see vitest's environment: vite.config.ts turns the Remix plugin off under VITEST.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "TEST" && k !== "NODE_ENV"),
  );
  const started = Date.now();
  const result = spawnSync(path.join(ROOT, "node_modules/.bin/remix"), ["vite:build"], {
    cwd: ROOT,
    env: { ...env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`e2e setup: \`remix vite:build\` failed (exit ${result.status}):\n${result.stderr}`);
  }
  process.stderr.write(`e2e setup: built the app in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
