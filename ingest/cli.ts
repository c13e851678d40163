// The `waba-ledger` command: parses arguments, opens the ledger (or hands the work to a running server when it
// holds the file), runs one command, prints a human summary or --json, and exits 0 / non-zero with one line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Ledger, LedgerLockedError, openLedger, projectRoot } from "../app/.server/db";
import { readEnv, resolveDbPath } from "../app/.server/env";
import { formatIngestSummary, runIngest } from "./commands/ingest";
import { formatQuarantine, listQuarantine } from "./commands/quarantine";
import { RatesUsageError, runRates } from "./commands/rates";
import { silentProgress } from "./progress";

const HELP = `waba-ledger — WhatsApp Business messaging spend and health, on your own DuckDB file

Usage: waba-ledger <command> [options]

Commands:
  serve                 run the dashboard (demo data on first run when the database is empty)
  ingest PATH…          load webhook logs: .jsonl .ndjson .json .log (or .gz of them), files or folders
  demo [--remove]       generate and load demo traffic; --remove deletes every demo row
  quarantine            list input that could not be loaded, with file, line and reason
  rates list            the rate cards in pricing-data (no database needed)
  rates diff A B        rate changes between two cards, per market and category
  rates import FILE     add a card from Meta's rate CSV (--effective D, --model PMP|CBP, --id, --confidence,
                        --source TEXT; --dir PATH for another pricing-data folder, also for list/diff)

Options (every command):
  --db PATH             database file (default: $LEDGER_DB or data/ledger.duckdb)
  --json                machine-readable output on stdout
  -h, --help            this help

serve options: --port N (default $PORT or 3000), --host H (default 127.0.0.1), --no-demo, --dev
`;

class UsageError extends Error {}

// The demo generator is only loaded by the commands that use it.
const demoCommands = () => import("./commands/demo");

/** Commands that can run either here or inside a running server (the server holds the file). */
export const COMMANDS = {
  ingest: async (ledger: Ledger, args: { paths: string[] }) =>
    runIngest(ledger, { ...args, source: "server" }, silentProgress),
  quarantine: (ledger: Ledger, args: { limit?: number }) => listQuarantine(ledger, args),
  demo: async (ledger: Ledger, args: { remove?: boolean }) => {
    const { removeDemo, runDemo } = await demoCommands();
    return args.remove ? removeDemo(ledger) : runDemo(ledger, {}, silentProgress);
  },
} as const;
export type CommandName = keyof typeof COMMANDS;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      db: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
      port: { type: "string" },
      host: { type: "string" },
      dev: { type: "boolean", default: false },
      "no-demo": { type: "boolean", default: false },
      remove: { type: "boolean", default: false },
      limit: { type: "string" },
      // rates
      dir: { type: "string" },
      effective: { type: "string" },
      model: { type: "string" },
      id: { type: "string" },
      confidence: { type: "string" },
      source: { type: "string" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? 0 : 2;
  }
  const dbPath = resolveDbPath(values.db);
  const print = (result: unknown, text: string) => {
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : `${text}\n`);
  };

  switch (command) {
    case "ingest": {
      if (rest.length === 0) throw new UsageError("ingest needs at least one file or folder: waba-ledger ingest PATH…");
      const missing = rest.filter((p) => !fs.existsSync(p));
      if (missing.length) throw new UsageError(`no such file or folder: ${missing.join(", ")}`);
      const paths = rest.map((p) => path.resolve(p));
      const summary = await withLedger(dbPath, "ingest", { paths }, (ledger) => runIngest(ledger, { paths }));
      print(summary, formatIngestSummary(summary));
      return summary.problems.length ? 1 : 0;
    }
    case "quarantine": {
      const limit = values.limit ? Number(values.limit) : undefined;
      if (limit !== undefined && !(limit > 0)) throw new UsageError("--limit takes a positive number");
      const q = await withLedger(dbPath, "quarantine", { limit }, (ledger) => listQuarantine(ledger, { limit }));
      print(q, formatQuarantine(q));
      return 0;
    }
    case "demo": {
      const { removeDemo, runDemo } = await demoCommands();
      if (values.remove) {
        const r = await withLedger(dbPath, "demo", { remove: true }, (ledger) => removeDemo(ledger));
        print(r, `Removed ${r.removed_rows.toLocaleString("en-US")} demo rows and the demo WABAs.`);
      } else {
        const s = await withLedger(dbPath, "demo", {}, (ledger) => runDemo(ledger));
        print(s, `Demo traffic written to ${s.demo_file}\n${formatIngestSummary(s)}`);
      }
      return 0;
    }
    case "rates": {
      const out = runRates(rest, values);
      print(out.result, out.text);
      return 0;
    }
    case "serve":
      return serve(dbPath, values);
    default:
      throw new UsageError(`unknown command "${command}". Run \`waba-ledger --help\` for the list.`);
  }
}

/** Opens the file here, or — when a running server holds it — asks that server to run the same command. */
async function withLedger<T>(
  dbPath: string,
  name: CommandName,
  args: unknown,
  local: (l: Ledger) => Promise<T>,
): Promise<T> {
  let ledger: Ledger;
  try {
    ledger = await openLedger(dbPath);
  } catch (error) {
    if (!(error instanceof LedgerLockedError)) throw error;
    const state = readServerState(dbPath);
    if (!state) throw error;
    process.stderr.write(`The dashboard server (PID ${state.pid}) holds ${dbPath}: handing the work to it.\n`);
    const res = await fetch(`${state.url}/api/commands/${name}`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
      },
      body: JSON.stringify(args),
    });
    const body = (await res.json().catch(() => ({}))) as { result?: T; error?: string };
    if (!res.ok) throw new Error(body.error ?? `the server answered ${res.status}`);
    return body.result as T;
  }
  try {
    return await local(ledger);
  } finally {
    ledger.close();
  }
}

function readServerState(dbPath: string): { pid: number; url: string; token?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(`${dbPath}.server.json`, "utf8"));
  } catch {
    return undefined;
  }
}

/** Builds the dashboard when the build is missing or older than the app's sources. */
function ensureBuild() {
  const root = projectRoot();
  const built = path.join(root, "build/server/index.js");
  const newest = (dir: string): number =>
    fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
      const p = path.join(dir, e.name);
      return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
    }, 0);
  if (fs.existsSync(built) && fs.statSync(built).mtimeMs >= newest(path.join(root, "app"))) return;
  process.stderr.write("Building the dashboard (first run, or the app changed)…\n");
  const remix = path.join(root, "node_modules/.bin/remix");
  const r = spawnSync(remix, ["vite:build"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) throw new Error("the dashboard build failed (see above). Run `npm install` and try again.");
}

async function serve(dbPath: string, values: Record<string, unknown>): Promise<number> {
  const env = readEnv();
  const port = values.port !== undefined ? Number(values.port) : env.PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new UsageError("--port takes a number from 0 to 65535");
  const host = (values.host as string | undefined) ?? env.HOST;
  // Handlers first: a signal during start-up still closes the database cleanly (nothing is acknowledged before
  // the server listens), and once it listens, close() drains the open webhook segment.
  let ledger: Ledger | undefined;
  let server: Awaited<ReturnType<typeof import("../app/.server/serve")["startServer"]>> | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server?.close();
    ledger?.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (!values.dev) ensureBuild();
  try {
    ledger = await openLedger(dbPath);
  } catch (error) {
    const state = error instanceof LedgerLockedError ? readServerState(dbPath) : undefined;
    if (state) throw new Error(`a server already runs on this database at ${state.url} (PID ${state.pid}).`);
    throw error;
  }
  const { hasAnyEvents, runDemo } = await demoCommands();
  if (!values["no-demo"] && !(await hasAnyEvents(ledger))) {
    process.stderr.write(
      "The database is empty: generating demo traffic (remove it later with `npx waba-ledger demo --remove`)…\n",
    );
    const s = await runDemo(ledger);
    process.stderr.write(`${formatIngestSummary(s)}\n`);
  }
  const { startServer } = await import("../app/.server/serve");
  const open = ledger;
  server = await startServer({
    dbPath,
    port,
    host,
    dev: Boolean(values.dev),
    // The server queues these and the receiver's micro-batches in one line, so they never overlap.
    commands: async (name, args) => {
      const command = COMMANDS[name as CommandName];
      if (!command) throw new UsageError(`unknown command ${name}`);
      return command(open, args as never);
    },
    ingest: (paths) => runIngest(open, { paths, source: "receiver" }, silentProgress),
  });
  const token = process.env.LEDGER_TOKEN;
  const openUrl = token ? `${server.url}/?token=${encodeURIComponent(token)}` : server.url;
  process.stderr.write(`WABA Ledger is running at ${openUrl}  (Ctrl+C to stop)\n`);
  const hook = server.receiver.snapshot();
  process.stderr.write(
    hook.accepting
      ? `Webhooks: ${server.url}/webhooks/whatsapp, logged to ${hook.logDir}${hook.verifiable ? "" : " (no WHATSAPP_VERIFY_TOKEN: Meta's verification will be refused)"}\n`
      : "Webhooks: off (set WHATSAPP_APP_SECRET to receive Meta's webhooks at /webhooks/whatsapp)\n",
  );
  return new Promise<number>(() => {});
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`waba-ledger: ${message}\n`);
    if (process.env.WABA_LEDGER_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = error instanceof UsageError || error instanceof RatesUsageError ? 2 : 1;
  },
);
