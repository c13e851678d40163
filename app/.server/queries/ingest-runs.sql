-- ingest-runs: the most recent ingest runs, newest first.
-- Parameters:
--   $limit        INTEGER  how many runs to return
-- Output:
--   run_id           INTEGER
--   started_ms       BIGINT   epoch milliseconds (UTC)
--   finished_ms      BIGINT   epoch milliseconds (UTC); NULL while running or after a crash
--   source           VARCHAR  cli | demo | server | receiver | test
--   is_demo          BOOLEAN
--   files            INTEGER  files read (including unchanged ones)
--   unchanged_files  INTEGER  files skipped because their bytes were already loaded
--   lines            BIGINT   input lines (or CSV rows)
--   payloads         BIGINT   webhook payloads parsed
--   events           BIGINT   new event rows loaded
--   duplicates       BIGINT   events already in the ledger, skipped
--   quarantined      BIGINT   items sent to quarantine
--   total_runs       BIGINT   all runs in the ledger (not only those returned)
SELECT run_id,
       epoch_ms(started_at)   AS started_ms,
       epoch_ms(finished_at)  AS finished_ms,
       source,
       is_demo,
       files,
       unchanged_files,
       lines,
       payloads,
       events,
       duplicates,
       quarantined,
       count(*) OVER ()       AS total_runs
  FROM ingest_runs
 ORDER BY started_at DESC, run_id DESC
 LIMIT $limit;
