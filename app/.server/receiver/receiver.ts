// The live webhook receiver: Meta's verification handshake and signed POSTs, each written durably to the webhook log
// before its 200, and the micro-batches that ingest closed log segments through the server's one work queue.
// It never answers 200 for a body that is not on disk, and never stores a body whose signature does not check.
import path from "node:path";
import type { Request, RequestHandler, Response } from "express";
import type { Ledger } from "../db/index";
import type { WorkQueue } from "../work-queue";
import { type LiveReceiverSnapshot, registerReceiver } from "./live";
import { sameSecret, type SignatureVerdict, verifySignature } from "./signature";
import { type BatchRecord, ReceiverStats } from "./stats";
import { recoverLog, type Segment, toLogLine, WebhookLog } from "./webhook-log";

export interface ReceiverSettings {
  /** WHATSAPP_VERIFY_TOKEN: what Meta echoes in the subscription handshake. */
  verifyToken: string | undefined;
  /** WHATSAPP_APP_SECRET, split on commas: any of them may sign (rotation). Empty: POSTs get 503. */
  appSecrets: string[];
  maxBodyBytes: number;
  logDir: string;
  segmentMaxAgeMs: number;
  segmentMaxBytes: number;
}

/** What the receiver needs from an ingest run (ingestPaths' summary fits). */
export interface IngestResult {
  run_id: number | null;
  lines: number;
  problems: string[];
}

export type IngestFiles = (paths: string[]) => Promise<IngestResult>;

// Bounds one micro-batch, so a long backlog found at start-up loads in steps of bounded memory.
const MAX_BATCH_SEGMENTS = 256;
const MAX_BATCH_BYTES = 256 << 20;
const RETRY_AFTER_FAILURE_MS = 5_000;
const COUNTER_FLUSH_MS = 5_000;
// After a 413 the rest of the body is read and thrown away (so the client sees the answer), up to this much.
const DISCARD_LIMIT_BYTES = 64 << 20;
const DISCARD_LIMIT_MS = 5_000;

const log = (line: string) => process.stderr.write(`webhook receiver: ${line}\n`);

export class Receiver {
  private readonly stats = new ReceiverStats();
  private readonly waiting: Segment[] = [];
  private ingestScheduled = false;
  private ingesting = false;
  private failures = 0;
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly counterTimer: NodeJS.Timeout;
  private statsConn: Awaited<ReturnType<Ledger["connect"]>> | undefined;
  private readonly webhookLog: WebhookLog;
  private readonly unregister: () => void;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly ledger: Ledger,
    private readonly settings: ReceiverSettings,
    private readonly queue: WorkQueue,
    private readonly ingest: IngestFiles | undefined,
  ) {
    this.webhookLog = new WebhookLog({
      dir: settings.logDir,
      segmentMaxAgeMs: settings.segmentMaxAgeMs,
      segmentMaxBytes: settings.segmentMaxBytes,
      onSegmentClosed: (segment) => {
        this.waiting.push(segment);
        this.scheduleIngest();
      },
      onError: (error) => log(`could not close a log segment (the next start recovers it): ${error.message}`),
    });
    this.counterTimer = setInterval(() => {
      // Rejections alone close no segment; their counts still reach the table within seconds.
      if (this.stats.hasPending() && !this.ingestScheduled) void this.queue.run(() => this.flushCounters());
    }, COUNTER_FLUSH_MS);
    this.counterTimer.unref();
    this.unregister = registerReceiver(ledger.path, this);
  }

  /**
   * Recovers the log before the first append: segments a crash left open are closed, and every segment the ledger
   * has not loaded yet is queued for ingest (ingestPaths also skips bytes it has seen, so a re-queue is harmless).
   */
  static async start(
    ledger: Ledger,
    settings: ReceiverSettings,
    queue: WorkQueue,
    ingest: IngestFiles | undefined,
  ): Promise<Receiver> {
    const { segments, repaired } = recoverLog(settings.logDir);
    for (const r of repaired) {
      log(
        `closed ${r.path}, left open by a stop or crash${r.droppedBytes ? ` (dropped a torn, unacknowledged last line of ${r.droppedBytes} bytes)` : ""}`,
      );
    }
    const receiver = new Receiver(ledger, settings, queue, ingest);
    if (segments.length > 0 && ingest) {
      const loaded = new Set(
        (
          await ledger.all<{ path: string }>("SELECT path FROM source_files WHERE starts_with(path, $dir)", {
            dir: `${settings.logDir}${path.sep}`,
          })
        ).map((r) => r.path),
      );
      const unloaded = segments.filter((s) => !loaded.has(s.path));
      if (unloaded.length > 0)
        log(`${unloaded.length} segment(s) in ${settings.logDir} not loaded yet: ingesting them`);
      receiver.waiting.push(...unloaded);
      receiver.scheduleIngest();
    } else if (segments.length > 0) {
      log(`this server has no ingest: ${segments.length} segment(s) in ${settings.logDir} stay on disk`);
    }
    return receiver;
  }

  /** Express handler for /webhooks/whatsapp: GET is the handshake, POST an event delivery. */
  readonly handle: RequestHandler = (req, res) => {
    if (req.method === "POST") {
      this.receive(req, res).catch((error: unknown) => {
        log(`unexpected error: ${error instanceof Error ? error.message : String(error)}`);
        if (!res.headersSent) sendText(res, 500, "500: the receiver failed on this request; it was not stored.");
      });
    } else if (req.method === "GET" || req.method === "HEAD") {
      this.verify(req, res);
    } else {
      res.set("Allow", "GET, POST");
      sendText(res, 405, "405: this endpoint takes GET (Meta's verification) and POST (webhook events).");
    }
  };

  private verify(req: Request, res: Response) {
    const mode = req.query["hub.mode"];
    const token = req.query["hub.verify_token"];
    const challenge = req.query["hub.challenge"];
    const expected = this.settings.verifyToken;
    if (
      expected &&
      mode === "subscribe" &&
      typeof token === "string" &&
      typeof challenge === "string" &&
      sameSecret(token, expected)
    ) {
      // Echoed as plain text (and never sniffed as HTML): the challenge is attacker-chosen text.
      res.status(200).set("X-Content-Type-Options", "nosniff").type("text/plain").send(challenge);
      return;
    }
    sendText(
      res,
      403,
      expected
        ? "403: verification refused (hub.mode must be subscribe and hub.verify_token must match WHATSAPP_VERIFY_TOKEN)."
        : "403: verification refused: this server has no WHATSAPP_VERIFY_TOKEN set.",
    );
  }

  private async receive(req: Request, res: Response) {
    const receivedAtMs = Date.now();
    if (this.settings.appSecrets.length === 0) {
      sendText(
        res,
        503,
        "503: the webhook receiver is off: set WHATSAPP_APP_SECRET (the Meta app's secret) so event signatures can be checked.",
      );
      return;
    }
    const declaredBytes = Number(req.headers["content-length"]);
    const body =
      Number.isFinite(declaredBytes) && declaredBytes > this.settings.maxBodyBytes
        ? "too-large"
        : await readBody(req, this.settings.maxBodyBytes);
    if (body === "aborted") return;
    if (body === "too-large") {
      this.stats.count("oversized");
      res.set("Connection", "close");
      sendText(res, 413, `413: the body is over the limit of ${this.settings.maxBodyBytes} bytes (WEBHOOK_MAX_BYTES).`);
      discardRest(req);
      return;
    }
    const verdict = verifySignature(body, req.headers["x-hub-signature-256"], this.settings.appSecrets);
    if (verdict !== "ok") {
      this.stats.count("rejectedSignature");
      sendText(res, 401, SIGNATURE_ERRORS[verdict]);
      return;
    }
    if (isBlank(body)) {
      // No line could hold it (ingest skips blank lines) and there is nothing in it to keep.
      sendText(res, 400, "400: the body is empty.");
      return;
    }
    const malformed = !looksLikeWebhook(body);
    try {
      await this.webhookLog.append(toLogLine(body), receivedAtMs);
    } catch (error) {
      // Not on disk, so not acknowledged: Meta retries and nothing is lost.
      log(`could not write to the webhook log: ${error instanceof Error ? error.message : String(error)}`);
      sendText(res, 500, "500: the event could not be stored; please retry.");
      return;
    }
    this.stats.count("accepted", body.length, receivedAtMs);
    if (malformed) this.stats.count("malformed");
    // A signed body that is not a webhook still gets 200: it is in the log and the ingest quarantines it with its
    // segment file and line. A 4xx would make Meta redeliver the same bytes for up to 7 days.
    sendText(res, 200, "OK");
  }

  private scheduleIngest() {
    if (this.ingestScheduled || this.waiting.length === 0 || !this.ingest) return;
    this.ingestScheduled = true;
    void this.queue.run(() => this.ingestBatch());
  }

  /** One micro-batch: every closed segment waiting (within bounds) in one ingest run, then the counters. */
  private async ingestBatch(): Promise<void> {
    this.ingestScheduled = false;
    const ingest = this.ingest;
    if (!ingest || this.waiting.length === 0) return;
    const batch: Segment[] = [];
    let bytes = 0;
    while (this.waiting.length > 0 && batch.length < MAX_BATCH_SEGMENTS) {
      const next = this.waiting[0] as Segment;
      if (batch.length > 0 && bytes + next.bytes > MAX_BATCH_BYTES) break;
      batch.push(next);
      bytes += next.bytes;
      this.waiting.shift();
    }
    this.ingesting = true;
    let result: IngestResult;
    try {
      result = await ingest(batch.map((s) => s.path));
    } catch (error) {
      // The segments stay on disk and in the queue; the ingest is idempotent, so a retry cannot double anything.
      this.waiting.unshift(...batch);
      this.failures += 1;
      this.lastError = error instanceof Error ? error.message : String(error);
      log(
        `ingest of ${batch.length} segment(s) failed, retrying in ${RETRY_AFTER_FAILURE_MS / 1000} s: ${this.lastError}`,
      );
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.scheduleIngest(), RETRY_AFTER_FAILURE_MS);
      this.retryTimer.unref();
      return;
    } finally {
      this.ingesting = false;
    }
    this.lastError = null;
    for (const p of result.problems) log(`ingest: ${p}`);
    const record: BatchRecord = {
      finishedAtMs: Date.now(),
      runId: result.run_id,
      segments: batch.length,
      lines: result.lines,
      firstReceivedAtMs: Math.min(...batch.map((s) => s.firstReceivedAtMs)),
      lastReceivedAtMs: Math.max(...batch.map((s) => s.lastReceivedAtMs)),
      recovered: batch.some((s) => s.recovered),
    };
    await this.flushCounters(record);
    this.scheduleIngest();
  }

  private async flushCounters(batch?: BatchRecord): Promise<void> {
    try {
      this.statsConn ??= await this.ledger.connect();
      await this.stats.flush(this.statsConn, batch);
    } catch (error) {
      log(`could not update receiver_stats: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Closes the open segment and waits until every closed one is ingested (tests and shutdown). */
  async flush(): Promise<void> {
    await this.webhookLog.rotate();
    if (!this.ingest) return;
    const failuresBefore = this.failures;
    while (this.waiting.length > 0 || this.ingestScheduled || this.ingesting) {
      this.scheduleIngest();
      await this.queue.run(async () => {});
      if (this.failures > failuresBefore) throw new Error(`webhook log ingest failed: ${this.lastError}`);
    }
  }

  snapshot(): LiveReceiverSnapshot {
    const { accepted, malformed, rejectedSignature, oversized } = this.stats.pending;
    return {
      accepting: this.settings.appSecrets.length > 0,
      verifiable: Boolean(this.settings.verifyToken),
      pending: { accepted, malformed, rejectedSignature, oversized },
      lastReceivedAtMs: this.stats.lastReceivedAtMs,
      segmentsWaiting: this.waiting.length,
      ingesting: this.ingesting,
      openSegmentBytes: this.webhookLog.openBytes,
      logDir: this.settings.logDir,
      maxBodyBytes: this.settings.maxBodyBytes,
      lastError: this.lastError,
    };
  }

  /** Stops taking bodies, ingests everything logged, writes the counters. Call after the HTTP server stopped. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.counterTimer);
      await this.webhookLog.close();
      try {
        await this.flush();
      } catch (error) {
        log(`${error instanceof Error ? error.message : String(error)}; the segments stay for the next start`);
      }
      clearTimeout(this.retryTimer);
      await this.queue.run(() => this.flushCounters());
      this.statsConn?.closeSync();
      this.statsConn = undefined;
      this.unregister();
    })();
    return this.closing;
  }
}

const SIGNATURE_ERRORS: Record<Exclude<SignatureVerdict, "ok">, string> = {
  missing: "401: the X-Hub-Signature-256 header is missing.",
  malformed: "401: the X-Hub-Signature-256 header is not of the form sha256=<64 hex digits>.",
  mismatch: "401: the X-Hub-Signature-256 signature does not match the body under the app secret.",
};

function sendText(res: Response, status: number, text: string) {
  res.status(status).type("text/plain").send(`${text}\n`);
}

/** Reads the raw body, giving up as soon as it passes `maxBytes` (nothing past the limit is buffered). */
function readBody(req: Request, maxBytes: number): Promise<Buffer | "too-large" | "aborted"> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (value: Buffer | "too-large" | "aborted") => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onAbort);
      req.off("close", onAbort);
      resolve(value);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        chunks.length = 0;
        settle("too-large");
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => settle(Buffer.concat(chunks, size));
    const onAbort = () => settle("aborted");
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onAbort);
    req.on("close", onAbort);
  });
}

/** Drains what is left of a refused body so the client can read the answer, within bounds, then hangs up. */
function discardRest(req: Request) {
  let discardedBytes = 0;
  const hangUp = () => req.socket.destroy();
  const timer = setTimeout(hangUp, DISCARD_LIMIT_MS);
  timer.unref();
  req.on("data", (chunk: Buffer) => {
    discardedBytes += chunk.length;
    if (discardedBytes > DISCARD_LIMIT_BYTES) hangUp();
  });
  req.once("end", () => clearTimeout(timer));
  req.once("close", () => clearTimeout(timer));
  req.resume();
}

function isBlank(body: Buffer): boolean {
  for (const byte of body) if (byte !== 32 && byte !== 9 && byte !== 10 && byte !== 13) return false;
  return true;
}

/** A body the ingest loads as a webhook: a JSON object with an entry[] list. Anything else it quarantines. */
function looksLikeWebhook(body: Buffer): boolean {
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return (
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      Array.isArray((value as { entry?: unknown }).entry)
    );
  } catch {
    return false;
  }
}
