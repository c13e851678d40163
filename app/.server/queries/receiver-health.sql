-- receiver-health: the webhook receiver's stored counters (all time and since a cut-off), its newest receipt, and the
-- receipt-to-ingest lag over the latest micro-batches. Counts not yet flushed live in the server's memory (the
-- wrapper adds them).
-- Parameters:
--   $since_ms    BIGINT   epoch milliseconds (UTC); "recent_*" counters sum the hours from this instant's hour on
--   $recent      INTEGER  how many of the latest micro-batches the lag figures cover
-- Output: one row
--   accepted, accepted_bytes, malformed, rejected_signature, oversized   BIGINT  all time
--   recent_accepted, recent_malformed, recent_rejected_signature, recent_oversized   BIGINT  since $since_ms's hour
--   last_received_ms   BIGINT   epoch ms of the newest accepted body counted; NULL when none
--   batches            BIGINT   micro-batches covered (≤ $recent)
--   batch_lines        BIGINT   lines those batches read
--   last_batch_ms      BIGINT   epoch ms the latest batch committed; NULL when none
--   last_lag_ms        BIGINT   milliseconds from receipt of the latest batch's oldest body to its commit
--   p50_lag_ms, p95_lag_ms, max_lag_ms   BIGINT   the same lag over the covered batches (observed values)
WITH totals AS (
  SELECT coalesce(sum(accepted), 0)           AS accepted,
         coalesce(sum(accepted_bytes), 0)     AS accepted_bytes,
         coalesce(sum(malformed), 0)          AS malformed,
         coalesce(sum(rejected_signature), 0) AS rejected_signature,
         coalesce(sum(oversized), 0)          AS oversized,
         epoch_ms(max(last_received_at))      AS last_received_ms
    FROM receiver_stats
), recent_counts AS (
  SELECT coalesce(sum(accepted), 0)           AS recent_accepted,
         coalesce(sum(malformed), 0)          AS recent_malformed,
         coalesce(sum(rejected_signature), 0) AS recent_rejected_signature,
         coalesce(sum(oversized), 0)          AS recent_oversized
    FROM receiver_stats
   WHERE hour_start >= date_trunc('hour', make_timestamptz($since_ms::BIGINT * 1000))
), recent_batches AS (
  SELECT batch_id, finished_at, lines, lag_ms
    FROM receiver_batches
   ORDER BY batch_id DESC
   LIMIT $recent
), lag AS (
  SELECT count(*)                          AS batches,
         coalesce(sum(lines), 0)           AS batch_lines,
         epoch_ms(max(finished_at))        AS last_batch_ms,
         arg_max(lag_ms, batch_id)         AS last_lag_ms,
         quantile_disc(lag_ms, 0.5)        AS p50_lag_ms,
         quantile_disc(lag_ms, 0.95)       AS p95_lag_ms,
         max(lag_ms)                       AS max_lag_ms
    FROM recent_batches
)
SELECT * FROM totals, recent_counts, lag;
