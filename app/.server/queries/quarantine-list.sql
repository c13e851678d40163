-- quarantine-list: input that could not be loaded, newest first, with a short preview of the raw text.
-- Parameters:
--   $limit         INTEGER  how many rows to return
--   $preview_chars INTEGER  how many characters of raw text to return
-- Output:
--   quarantine_key   VARCHAR  stable id of the row (decimal text of the UHUGEINT key)
--   run_id           INTEGER
--   path             VARCHAR  source file
--   line_no          BIGINT   1-based line in that file; NULL for whole-file problems
--   item             VARCHAR  where inside the payload, e.g. entry[0].changes[1].value.statuses[3]
--   reason           VARCHAR
--   raw_preview      VARCHAR  the first $preview_chars characters of the raw text
--   raw_chars        BIGINT   full length of the raw text, in characters
--   quarantined_ms   BIGINT   epoch milliseconds (UTC)
--   total_rows       BIGINT   all quarantined rows (not only those returned)
--   reason_rows      BIGINT   all quarantined rows with this row's reason
SELECT quarantine_key::VARCHAR              AS quarantine_key,
       run_id,
       path,
       line_no,
       item,
       reason,
       left(raw, $preview_chars)            AS raw_preview,
       length(raw)                          AS raw_chars,
       epoch_ms(quarantined_at)             AS quarantined_ms,
       count(*) OVER ()                     AS total_rows,
       count(*) OVER (PARTITION BY reason)  AS reason_rows
  FROM quarantine
 ORDER BY quarantined_at DESC, path, line_no NULLS FIRST, item
 LIMIT $limit;
