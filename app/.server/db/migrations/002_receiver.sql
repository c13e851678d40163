-- 002: webhook receiver health. Counters are written by the server per micro-batch (and every few seconds when only
-- rejections arrive); the bodies themselves live in the webhook log and the event tables, never here.

-- Request counters per UTC hour of the flush that wrote them (a flush happens within seconds of the requests).
CREATE TABLE receiver_stats (
  hour_start          TIMESTAMPTZ PRIMARY KEY,
  accepted            BIGINT NOT NULL DEFAULT 0,   -- signed bodies written to the webhook log and answered 200
  accepted_bytes      BIGINT NOT NULL DEFAULT 0,
  malformed           BIGINT NOT NULL DEFAULT 0,   -- of those, not a webhook envelope (the ingest quarantines them)
  rejected_signature  BIGINT NOT NULL DEFAULT 0,   -- 401: X-Hub-Signature-256 missing, malformed or wrong; not stored
  oversized           BIGINT NOT NULL DEFAULT 0,   -- 413: over WEBHOOK_MAX_BYTES; not stored
  last_received_at    TIMESTAMPTZ                  -- the newest accepted body counted in this row
);

-- Recent micro-batches (the server keeps the latest 1,000): how long a body waited between its 200 and its commit.
CREATE TABLE receiver_batches (
  batch_id            BIGINT PRIMARY KEY,
  finished_at         TIMESTAMPTZ NOT NULL,        -- the ingest committed
  run_id              INTEGER,                     -- its ingest_runs row; NULL when every segment was already loaded
  segments            INTEGER NOT NULL,
  lines               BIGINT NOT NULL,             -- lines read (segments already loaded count 0)
  first_received_at   TIMESTAMPTZ NOT NULL,        -- the oldest body in the batch
  last_received_at    TIMESTAMPTZ NOT NULL,
  lag_ms              BIGINT NOT NULL,             -- finished_at − first_received_at: the longest wait in the batch
  recovered           BOOLEAN NOT NULL DEFAULT false -- segments found on disk at start-up (left by a crash or a stop)
);
