-- waba-overview: one row per WABA, known (waba_accounts) or only seen in events.
-- Parameters: none.
-- Output:
--   waba_id            VARCHAR
--   name               VARCHAR   NULL when the WABA is not in waba_accounts
--   time_zone          VARCHAR   IANA zone; 'UTC' when assumed
--   time_zone_assumed  BOOLEAN   true when the WABA is not in waba_accounts
--   currency           VARCHAR   ISO 4217; 'USD' when assumed
--   currency_assumed   BOOLEAN
--   is_demo            BOOLEAN
--   events             BIGINT    rows across status, message, quality, template, account, preference, other events
--   first_event_ms     BIGINT    epoch milliseconds (UTC) of the earliest event; NULL when none
--   last_event_ms      BIGINT    epoch milliseconds (UTC) of the latest event
--   delivered          BIGINT    distinct message_id with a 'delivered' status
--   read               BIGINT    distinct message_id with a 'read' status
--   failed             BIGINT    distinct message_id with a 'failed' status
--   inbound            BIGINT    distinct inbound message_id (message_events)
WITH event_rows AS (
  SELECT waba_id, count(*) AS n, min(status_at) AS first_at, max(status_at) AS last_at
    FROM status_events GROUP BY waba_id
  UNION ALL
  SELECT waba_id, count(*), min(received_at), max(received_at) FROM message_events GROUP BY waba_id
  UNION ALL
  SELECT waba_id, count(*), min(event_at), max(event_at) FROM quality_events GROUP BY waba_id
  UNION ALL
  SELECT waba_id, count(*), min(event_at), max(event_at) FROM template_events GROUP BY waba_id
  UNION ALL
  SELECT waba_id, count(*), min(event_at), max(event_at) FROM account_events GROUP BY waba_id
  UNION ALL
  SELECT waba_id, count(*), min(event_at), max(event_at) FROM preference_events GROUP BY waba_id
  UNION ALL
  -- System-level errors can arrive without a WABA; they belong to no row here.
  SELECT waba_id, count(*), min(event_at), max(event_at) FROM other_events WHERE waba_id IS NOT NULL GROUP BY waba_id
),
events AS (
  SELECT waba_id, sum(n) AS events, min(first_at) AS first_at, max(last_at) AS last_at
    FROM event_rows GROUP BY waba_id
),
statuses AS (
  SELECT waba_id,
         count(DISTINCT message_id) FILTER (WHERE lower(status) = 'delivered') AS delivered,
         count(DISTINCT message_id) FILTER (WHERE lower(status) = 'read')      AS "read",
         count(DISTINCT message_id) FILTER (WHERE lower(status) = 'failed')    AS failed
    FROM status_events GROUP BY waba_id
),
inbound AS (
  SELECT waba_id, count(DISTINCT message_id) AS inbound FROM message_events GROUP BY waba_id
),
ids AS (
  SELECT waba_id FROM waba_accounts
  UNION
  SELECT waba_id FROM events
)
SELECT ids.waba_id,
       a.name,
       coalesce(a.time_zone, 'UTC')            AS time_zone,
       a.waba_id IS NULL                       AS time_zone_assumed,
       coalesce(a.currency, 'USD')             AS currency,
       a.waba_id IS NULL                       AS currency_assumed,
       coalesce(a.is_demo, false)              AS is_demo,
       coalesce(e.events, 0)::BIGINT           AS events,
       epoch_ms(e.first_at)                    AS first_event_ms,
       epoch_ms(e.last_at)                     AS last_event_ms,
       coalesce(s.delivered, 0)::BIGINT        AS delivered,
       coalesce(s."read", 0)::BIGINT           AS "read",
       coalesce(s.failed, 0)::BIGINT           AS failed,
       coalesce(i.inbound, 0)::BIGINT          AS inbound
  FROM ids
  LEFT JOIN waba_accounts a ON a.waba_id = ids.waba_id
  LEFT JOIN events e        ON e.waba_id = ids.waba_id
  LEFT JOIN statuses s      ON s.waba_id = ids.waba_id
  LEFT JOIN inbound i       ON i.waba_id = ids.waba_id
 ORDER BY a.waba_id IS NULL, lower(coalesce(a.name, ids.waba_id)), ids.waba_id;
