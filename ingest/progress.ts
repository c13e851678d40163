// Progress on stderr for long jobs: a bar on a terminal, a line per phase otherwise; silent for runs under ~2 s.
import cliProgress from "cli-progress";

export interface Progress {
  /** Starts a phase that covers `share` of the whole job (shares add up to 1). */
  phase(name: string, share: number): void;
  /** Progress inside the current phase, 0…1. */
  update(fraction: number): void;
  done(): void;
}

export const silentProgress: Progress = { phase() {}, update() {}, done() {} };

export function stderrProgress(label: string, opts: { delayMs?: number; stream?: NodeJS.WriteStream } = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const delayMs = opts.delayMs ?? 2000;
  const started = Date.now();
  let base = 0;
  let share = 0;
  let phaseName = "starting";
  let bar: cliProgress.SingleBar | undefined;
  let lastLine = "";
  const total = () => Math.min(100, Math.round((base + share * current) * 100));
  let current = 0;
  const render = () => {
    if (Date.now() - started < delayMs) return;
    if (stream.isTTY) {
      if (!bar) {
        bar = new cliProgress.SingleBar(
          { stream, format: `${label} [{bar}] {percentage}% | {phase} | {duration_formatted}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, total(), { phase: phaseName });
      }
      bar.update(total(), { phase: phaseName });
    } else {
      const line = `${label}: ${phaseName}`;
      // Not a terminal (a log, CI): one line per phase, no redraws.
      if (line !== lastLine) stream.write(`${line}…\n`);
      lastLine = line;
    }
  };
  return {
    phase(name, s) {
      base += share;
      share = s;
      current = 0;
      phaseName = name;
      render();
    },
    update(fraction) {
      current = Math.max(0, Math.min(1, fraction));
      render();
    },
    done() {
      if (bar) {
        bar.update(100, { phase: "done" });
        bar.stop();
      }
    },
  };
}
