// Signed webhook traffic for the receiver's tests and load benchmark, built from the real fixtures.
// Batched bodies are synthetic (the fixtures hold none, see shared/fixtures/webhooks/README.md): they concatenate
// fixture statuses and messages, each given a unique wamid so every delivered payload can be found again.
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { signBody } from "../../app/.server/receiver/signature";
import { FIXTURES, fixtureFiles } from "./fixtures";

// Not taken from ./ledger: this module also runs outside vitest (the benchmark), where __dirname does not exist.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");

export const WEBHOOK_PATH = "/webhooks/whatsapp";

/** Status fixtures that load as exactly one status row (the 2022 placeholder one is quarantined on purpose). */
export const STATUS_FIXTURES = fixtureFiles().filter((n) => n.startsWith("status_") && !n.includes("placeholders"));
export const INBOUND_FIXTURES = fixtureFiles().filter((n) => n.startsWith("messages_inbound_"));

export function fixtureBytes(name: string): Buffer {
  return fs.readFileSync(path.join(FIXTURES, name));
}

// biome-ignore lint/suspicious/noExplicitAny: fixtures are free-form JSON that the builders reshape.
type Json = any;
const fixtureJson = (name: string): Json => JSON.parse(fixtureBytes(name).toString("utf8"));

export interface SignedPayload {
  body: Buffer;
  signature: string;
  /** Every wamid in the body (statuses and inbound messages), each unique across a generated set. */
  ids: string[];
}

/**
 * `count` distinct, correctly signed bodies: 6 in 10 carry one status, 3 in 10 one change with 2–30 statuses,
 * 1 in 10 two entries (statuses, and an inbound message). Compact JSON, as Meta sends it.
 */
export function makePayloads(count: number, opts: { tag: string; secret: string }): SignedPayload[] {
  const statusTemplates = STATUS_FIXTURES.map(fixtureJson);
  const inboundTemplates = INBOUND_FIXTURES.map(fixtureJson);
  const out: SignedPayload[] = [];
  for (let i = 0; i < count; i++) {
    const ids: string[] = [];
    const status = (k: number): Json => {
      const t = statusTemplates[(i + k) % statusTemplates.length];
      const s = structuredClone(t.entry[0].changes[0].value.statuses[0]);
      s.id = `wamid.${opts.tag}.${i}.${k}`;
      ids.push(s.id);
      return s;
    };
    const base = structuredClone(statusTemplates[i % statusTemplates.length]);
    const value = base.entry[0].changes[0].value;
    const kind = i % 10;
    if (kind < 6) {
      value.statuses = [status(0)];
    } else if (kind < 9) {
      const n = 2 + ((i * 7) % 29);
      value.statuses = Array.from({ length: n }, (_, k) => status(k));
    } else {
      value.statuses = [status(0), status(1), status(2)];
      const inbound = structuredClone(inboundTemplates[i % inboundTemplates.length]);
      const message = inbound.entry[0].changes[0].value.messages[0];
      message.id = `wamid.${opts.tag}.${i}.m`;
      ids.push(message.id);
      base.entry.push(inbound.entry[0]);
    }
    const body = Buffer.from(JSON.stringify(base));
    out.push({ body, signature: signBody(body, opts.secret), ids });
  }
  return out;
}

/** POSTs bytes to the receiver with Meta's header for `secret` (or the given header value, or none). */
export async function postWebhook(
  baseUrl: string,
  body: Buffer | string,
  sign: { secret: string } | { header: string | undefined },
): Promise<{ status: number; text: string; ms: number }> {
  const header = "secret" in sign ? signBody(body, sign.secret) : sign.header;
  const started = performance.now();
  const res = await fetch(`${baseUrl}${WEBHOOK_PATH}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(header === undefined ? {} : { "x-hub-signature-256": header }) },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started };
}

export interface ServerProcess {
  proc: ChildProcess;
  url: string;
  /** The exit signal, or the exit code. */
  exited: Promise<NodeJS.Signals | number | null>;
  output: () => string;
}

/**
 * Runs `waba-ledger serve` on a free port as a child process; resolves once its state file names it (listening) and
 * it has printed its webhook line, after which its SIGTERM handler (the graceful stop) is in place.
 */
export async function serveProcess(dbPath: string, env: Record<string, string>): Promise<ServerProcess> {
  let output = "";
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  if (!("LEDGER_TOKEN" in env)) delete childEnv.LEDGER_TOKEN;
  const proc = spawn(
    process.execPath,
    [path.join(ROOT, "bin/waba-ledger.js"), "serve", "--db", dbPath, "--port", "0", "--no-demo"],
    { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] },
  );
  proc.stdout?.on("data", (d) => (output += d));
  proc.stderr?.on("data", (d) => (output += d));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    proc.once("exit", (code, signal) => resolve(signal ?? code)),
  );
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const state = JSON.parse(fs.readFileSync(`${dbPath}.server.json`, "utf8")) as { pid: number; url: string };
      if (state.pid === proc.pid && output.includes("Webhooks:")) {
        return { proc, url: state.url, exited, output: () => output };
      }
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill("SIGKILL");
  throw new Error(`the server did not start:\n${output}`);
}
