// The webhook log: signed POST bodies appended durably, one line each, to JSONL segments under <dbdir>/webhooks/DAY/.
// append() resolves only after the bytes are written and fdatasync'd; concurrent appends share one write + fsync
// (group commit). Segments are closed by age or size and handed on; this module never parses, reorders or deletes.
import fs from "node:fs";
import path from "node:path";

/** A closed segment, ready to ingest. */
export interface Segment {
  path: string;
  bytes: number;
  /** Unknown (null) for segments found on disk at start-up; the ingest summary counts them. */
  lines: number | null;
  firstReceivedAtMs: number;
  lastReceivedAtMs: number;
  /** Found on disk at start-up rather than closed by this process. */
  recovered: boolean;
}

export interface WebhookLogOptions {
  dir: string;
  /** Close the open segment once it is this old… */
  segmentMaxAgeMs: number;
  /** …or this large, whichever comes first. */
  segmentMaxBytes: number;
  onSegmentClosed(segment: Segment): void;
  /** A segment could not be closed; it stays on disk as .jsonl.open and the next start recovers it. */
  onError(error: Error): void;
}

interface PendingAppend {
  line: Buffer;
  receivedAtMs: number;
  resolve(): void;
  reject(error: Error): void;
}

interface OpenSegment {
  openPath: string;
  closedPath: string;
  handle: fs.promises.FileHandle;
  bytes: number;
  lines: number;
  openedAtMs: number;
  firstReceivedAtMs: number;
  lastReceivedAtMs: number;
}

const NEWLINE = Buffer.from("\n");
const OPEN_SUFFIX = ".open";
// Ingest reads .jsonl; an open segment ends in .jsonl.open, so `waba-ledger ingest <log dir>` never reads a
// segment that is still being written.
const SEGMENT_RE = /^(\d{6})\.(\d{3})Z-(\d+)\.jsonl$/;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** Where the webhook log of a database lives. */
export function webhookLogDir(dbPath: string): string {
  return path.join(path.dirname(path.resolve(dbPath)), "webhooks");
}

/** JSON allows white space between tokens and none inside strings, so blanking CR/LF keeps one body on one line. */
export function toLogLine(body: Buffer): Buffer {
  let i = body.indexOf(10);
  while (i !== -1) {
    body[i] = 32;
    i = body.indexOf(10, i + 1);
  }
  i = body.indexOf(13);
  while (i !== -1) {
    body[i] = 32;
    i = body.indexOf(13, i + 1);
  }
  return body;
}

export class WebhookLog {
  private readonly opts: WebhookLogOptions;
  private queue: PendingAppend[] = [];
  private segment: OpenSegment | undefined;
  private pumping = false;
  private rotateRequested = false;
  private closed = false;
  private seq = 0;
  private readonly timer: NodeJS.Timeout;
  private idleWaiters: Array<() => void> = [];

  constructor(opts: WebhookLogOptions) {
    this.opts = opts;
    // Checked a few times per period so a segment closes close to its age limit.
    const checkMs = Math.max(10, Math.min(250, Math.floor(opts.segmentMaxAgeMs / 4)));
    this.timer = setInterval(() => {
      if (this.segment && Date.now() - this.segment.openedAtMs >= this.opts.segmentMaxAgeMs) this.kick();
    }, checkMs);
    this.timer.unref();
  }

  /** Appends one body (newlines already blanked) and resolves once it is on disk. */
  append(line: Buffer, receivedAtMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the webhook log is closed"));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, receivedAtMs, resolve, reject });
      this.kick();
    });
  }

  /** Closes the open segment now (when it holds anything) and waits until it has been handed on. */
  async rotate(): Promise<void> {
    this.rotateRequested = true;
    this.kick();
    await this.idle();
  }

  /** Writes what is queued, closes the open segment and stops; later appends are refused. */
  async close(): Promise<void> {
    if (this.closed) return this.idle();
    this.closed = true;
    clearInterval(this.timer);
    // Queued appends first, then the close: otherwise they would land in a fresh segment nobody closes.
    await this.idle();
    await this.rotate();
  }

  /** Bytes in the open segment (0 when none is open). */
  get openBytes(): number {
    return this.segment?.bytes ?? 0;
  }

  private idle(): Promise<void> {
    if (!this.pumping && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick() {
    if (!this.pumping) void this.pump();
  }

  private rotateDue(): boolean {
    const s = this.segment;
    if (!s) return false;
    return (
      this.rotateRequested ||
      s.bytes >= this.opts.segmentMaxBytes ||
      Date.now() - s.openedAtMs >= this.opts.segmentMaxAgeMs
    );
  }

  /** The one writer loop: whatever queued while the previous write + fsync ran goes out as the next batch. */
  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      for (;;) {
        if (this.rotateDue()) {
          await this.closeSegment().catch((error: unknown) => {
            this.opts.onError(error instanceof Error ? error : new Error(String(error)));
          });
        }
        this.rotateRequested = false;
        if (this.queue.length === 0) break;
        const batch = this.queue;
        this.queue = [];
        try {
          await this.writeBatch(batch);
          for (const p of batch) p.resolve();
        } catch (error) {
          const e = error instanceof Error ? error : new Error(String(error));
          for (const p of batch) p.reject(e);
        }
      }
    } finally {
      this.pumping = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private async writeBatch(batch: PendingAppend[]): Promise<void> {
    const segment = this.segment ?? (await this.openSegment());
    const parts: Buffer[] = [];
    let firstMs = Number.POSITIVE_INFINITY;
    let lastMs = 0;
    for (const p of batch) {
      parts.push(p.line, NEWLINE);
      firstMs = Math.min(firstMs, p.receivedAtMs);
      lastMs = Math.max(lastMs, p.receivedAtMs);
    }
    const data = Buffer.concat(parts);
    try {
      let offset = 0;
      while (offset < data.length) {
        const { bytesWritten } = await segment.handle.write(data, offset, data.length - offset);
        offset += bytesWritten;
      }
      await segment.handle.datasync();
    } catch (error) {
      // Nothing of this batch was acknowledged: cut any part of it that reached the file, so an acknowledged line
      // can never end up glued to a torn one, and start a fresh segment for the next batch.
      await segment.handle.truncate(segment.bytes).catch(() => {});
      await this.closeSegment().catch(() => {});
      throw error;
    }
    if (segment.lines === 0) {
      segment.firstReceivedAtMs = firstMs;
      segment.lastReceivedAtMs = lastMs;
    }
    segment.bytes += data.length;
    segment.lines += batch.length;
    segment.firstReceivedAtMs = Math.min(segment.firstReceivedAtMs, firstMs);
    segment.lastReceivedAtMs = Math.max(segment.lastReceivedAtMs, lastMs);
  }

  private async openSegment(): Promise<OpenSegment> {
    const nowMs = Date.now();
    const iso = new Date(nowMs).toISOString(); // 2026-11-22T12:00:00.123Z
    const dayDir = path.join(this.opts.dir, iso.slice(0, 10));
    const newDay = !fs.existsSync(dayDir);
    if (newDay) {
      await fs.promises.mkdir(dayDir, { recursive: true });
      await fsyncDir(this.opts.dir);
    }
    const stem = `${iso.slice(11, 19).replace(/:/g, "")}.${iso.slice(20, 23)}Z`;
    for (;;) {
      this.seq += 1;
      const closedPath = path.join(dayDir, `${stem}-${String(this.seq).padStart(6, "0")}.jsonl`);
      const openPath = `${closedPath}${OPEN_SUFFIX}`;
      if (fs.existsSync(closedPath)) continue;
      let handle: fs.promises.FileHandle;
      try {
        handle = await fs.promises.open(openPath, "ax", 0o600);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EEXIST") continue;
        throw error;
      }
      // The new name must survive a power cut before the first line in it is acknowledged.
      await fsyncDir(dayDir);
      this.segment = {
        openPath,
        closedPath,
        handle,
        bytes: 0,
        lines: 0,
        openedAtMs: nowMs,
        firstReceivedAtMs: nowMs,
        lastReceivedAtMs: nowMs,
      };
      return this.segment;
    }
  }

  private async closeSegment(): Promise<void> {
    const s = this.segment;
    if (!s) return;
    this.segment = undefined;
    await s.handle.close();
    if (s.lines === 0) {
      await fs.promises.rm(s.openPath, { force: true });
      return;
    }
    await fs.promises.rename(s.openPath, s.closedPath);
    await fsyncDir(path.dirname(s.closedPath));
    this.opts.onSegmentClosed({
      path: s.closedPath,
      bytes: s.bytes,
      lines: s.lines,
      firstReceivedAtMs: s.firstReceivedAtMs,
      lastReceivedAtMs: s.lastReceivedAtMs,
      recovered: false,
    });
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface Recovery {
  /** Every closed segment on disk, oldest first (loaded or not: the caller asks the ledger). */
  segments: Segment[];
  /** Segments left open by a crash, now closed; the bytes after their last newline were never acknowledged. */
  repaired: Array<{ path: string; droppedBytes: number }>;
}

/**
 * Start-up, before any append: closes segments a crash left open (dropping a torn last line, which was never
 * acknowledged because acknowledgement waits for the whole line's fsync) and lists every segment on disk.
 */
export function recoverLog(dir: string): Recovery {
  const repaired: Recovery["repaired"] = [];
  const segments: Segment[] = [];
  if (!fs.existsSync(dir)) return { segments, repaired };
  for (const day of fs
    .readdirSync(dir)
    .filter((d) => DAY_RE.test(d))
    .sort()) {
    const dayDir = path.join(dir, day);
    if (!fs.statSync(dayDir).isDirectory()) continue;
    let names = fs.readdirSync(dayDir);
    const leftOpen = names.filter((n) => n.endsWith(`.jsonl${OPEN_SUFFIX}`));
    for (const name of leftOpen) {
      const openPath = path.join(dayDir, name);
      const closedPath = openPath.slice(0, -OPEN_SUFFIX.length);
      const droppedBytes = truncateTornTail(openPath);
      if (fs.statSync(openPath).size === 0) {
        fs.rmSync(openPath);
      } else {
        fs.renameSync(openPath, closedPath);
      }
      repaired.push({ path: closedPath, droppedBytes });
    }
    if (leftOpen.length > 0) fsyncDirSync(dayDir);
    names = fs.readdirSync(dayDir);
    for (const name of names.sort()) {
      const m = SEGMENT_RE.exec(name);
      if (!m) continue;
      const file = path.join(dayDir, name);
      const stat = fs.statSync(file);
      const hhmmss = m[1] ?? "000000";
      const openedAtMs = Date.parse(
        `${day}T${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}:${hhmmss.slice(4, 6)}.${m[2] ?? "000"}Z`,
      );
      segments.push({
        path: file,
        bytes: stat.size,
        lines: null,
        firstReceivedAtMs: Number.isFinite(openedAtMs) ? openedAtMs : Math.floor(stat.mtimeMs),
        lastReceivedAtMs: Math.floor(stat.mtimeMs),
        recovered: true,
      });
    }
  }
  return { segments, repaired };
}

/** Cuts everything after the file's last newline; returns how many bytes went. */
function truncateTornTail(file: string): number {
  const size = fs.statSync(file).size;
  if (size === 0) return 0;
  const fd = fs.openSync(file, "r+");
  try {
    const chunk = Buffer.alloc(64 * 1024);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - chunk.length);
      const n = fs.readSync(fd, chunk, 0, end - start, start);
      const nl = chunk.subarray(0, n).lastIndexOf(10);
      if (nl !== -1) {
        const keep = start + nl + 1;
        if (keep < size) {
          fs.ftruncateSync(fd, keep);
          fs.fdatasyncSync(fd);
        }
        return size - keep;
      }
      end = start;
    }
    fs.ftruncateSync(fd, 0);
    fs.fdatasyncSync(fd);
    return size;
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDirSync(dir: string) {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
