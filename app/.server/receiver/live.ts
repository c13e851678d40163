// Where Remix loaders find the running receiver's in-memory state (counts not yet flushed, segments waiting).
// The server and the app build are separate module graphs in one process, so the handle lives on globalThis.
import path from "node:path";

export interface LiveReceiverSnapshot {
  /** False when WHATSAPP_APP_SECRET is unset: POSTs get 503. */
  accepting: boolean;
  /** False when no verify token is set: Meta's subscription handshake gets 403. */
  verifiable: boolean;
  /** Counted since the last flush to receiver_stats. */
  pending: {
    accepted: number;
    malformed: number;
    rejectedSignature: number;
    oversized: number;
  };
  lastReceivedAtMs: number | null;
  /** Closed segments not yet ingested, and whether an ingest of them is running. */
  segmentsWaiting: number;
  ingesting: boolean;
  openSegmentBytes: number;
  logDir: string;
  maxBodyBytes: number;
  /** The last ingest failure, while it is not yet resolved by a successful batch. */
  lastError: string | null;
}

export interface LiveReceiver {
  snapshot(): LiveReceiverSnapshot;
}

const registry: Map<string, LiveReceiver> = ((globalThis as Record<string, unknown>).__wabaLedgerReceivers ??=
  new Map()) as Map<string, LiveReceiver>;

export function registerReceiver(dbPath: string, receiver: LiveReceiver): () => void {
  const key = path.resolve(dbPath);
  registry.set(key, receiver);
  return () => {
    if (registry.get(key) === receiver) registry.delete(key);
  };
}

/** The receiver serving this database in this process, if any. */
export function liveReceiver(dbPath: string): LiveReceiver | undefined {
  return registry.get(path.resolve(dbPath));
}
