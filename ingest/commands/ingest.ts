// `waba-ledger ingest PATH…`: load webhook logs and print what was added.
import type { Ledger } from "../../app/.server/db";
import { type IngestSource, type IngestSummary, ingestPaths } from "../pipeline";
import { type Progress, stderrProgress } from "../progress";
import { EVENT_KINDS } from "../steps/shapes";

export interface IngestArgs {
  paths: string[];
  source?: IngestSource;
}

export async function runIngest(ledger: Ledger, args: IngestArgs, progress?: Progress): Promise<IngestSummary> {
  return ingestPaths(ledger, args.paths, {
    source: args.source ?? "cli",
    progress: progress ?? stderrProgress("ingest"),
    onStep: faultInjection(),
  });
}

/** WABA_LEDGER_FAULT=kill-after:STEP makes the process SIGKILL itself after a step: the crash tests' real kill -9. */
function faultInjection(): ((step: string) => void) | undefined {
  const fault = /^kill-after:(\w[\w-]*)$/.exec(process.env.WABA_LEDGER_FAULT ?? "");
  if (!fault) return undefined;
  return (step) => {
    if (step === fault[1]) process.kill(process.pid, "SIGKILL");
  };
}

const n = (x: number) => x.toLocaleString("en-US");

export function formatIngestSummary(s: IngestSummary): string {
  const events = EVENT_KINDS.map((k) => `${k} ${n(s.events[k])}`).join(" · ");
  const lines = [
    `Ingested ${n(s.files)} file${s.files === 1 ? "" : "s"}${s.unchanged_files ? ` (${n(s.unchanged_files)} unchanged, skipped)` : ""}: ` +
      `${n(s.lines)} lines, ${n(s.payloads)} payloads in ${s.seconds.toFixed(1)} s`,
    `  events added: ${events}`,
    `  duplicates skipped: ${n(s.duplicates)}`,
    `  quarantined: ${n(s.quarantined)}${s.quarantined ? " (see `npx waba-ledger quarantine`)" : ""}`,
  ];
  for (const p of s.problems) lines.push(`  problem: ${p}`);
  return lines.join("\n");
}
