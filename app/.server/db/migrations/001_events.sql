-- 001: the event store. Every instant is TIMESTAMPTZ (UTC); no full phone number or message text is kept.
-- Recipients and senders are a keyed hash (`*_hash`) plus the calling-code prefix and ISO country.

CREATE TABLE ingest_runs (
  run_id        INTEGER PRIMARY KEY,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ,
  source        VARCHAR NOT NULL,          -- cli | demo | server | receiver | test
  is_demo       BOOLEAN NOT NULL DEFAULT false,
  files         INTEGER NOT NULL DEFAULT 0,
  unchanged_files INTEGER NOT NULL DEFAULT 0,
  lines         BIGINT NOT NULL DEFAULT 0,
  payloads      BIGINT NOT NULL DEFAULT 0,
  events        BIGINT NOT NULL DEFAULT 0,
  duplicates    BIGINT NOT NULL DEFAULT 0,
  quarantined   BIGINT NOT NULL DEFAULT 0,
  summary       JSON
);

-- One row per file content fully ingested: lets a re-run skip bytes it has already loaded.
CREATE TABLE source_files (
  file_id       INTEGER PRIMARY KEY,
  path          VARCHAR NOT NULL,
  size_bytes    BIGINT NOT NULL,
  sha256        VARCHAR NOT NULL,
  lines         BIGINT NOT NULL,
  run_id        INTEGER NOT NULL,
  ingested_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX source_files_sha ON source_files (sha256);

-- Outgoing message statuses (sent / delivered / read / failed / played).
CREATE TABLE status_events (
  event_key           UHUGEINT NOT NULL,   -- md5 of message id | status | timestamp | participant
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR NOT NULL,
  phone_number_id     VARCHAR,
  display_phone_number VARCHAR,
  message_id          VARCHAR NOT NULL,    -- wamid (a BSP's own id is kept in bsp_message_id)
  bsp_message_id      VARCHAR,
  status              VARCHAR NOT NULL,
  status_at           TIMESTAMPTZ NOT NULL,
  recipient_hash      UBIGINT,             -- keyed hash of recipient_id (phone) or of the BSUID
  recipient_prefix    VARCHAR,             -- calling-code prefix used for pricing ('55', '1809', …)
  recipient_country   VARCHAR,             -- ISO 3166 alpha-2 from the phone, else from the BSUID prefix
  recipient_type      VARCHAR,             -- 'individual' | 'group'
  has_bsuid           BOOLEAN NOT NULL DEFAULT false,
  pricing_billable    BOOLEAN,
  pricing_model       VARCHAR,             -- CBP | PMP
  pricing_type        VARCHAR,             -- regular | free_customer_service | free_entry_point
  pricing_category    VARCHAR,             -- Meta's lower-case category, as reported
  conversation_id     VARCHAR,
  conversation_origin VARCHAR,
  conversation_expires_at TIMESTAMPTZ,
  error_code          INTEGER,             -- first errors[] item; all items are in status_errors
  error_count         SMALLINT NOT NULL DEFAULT 0,
  biz_opaque_callback_data VARCHAR
);

CREATE TABLE status_errors (
  event_key     UHUGEINT NOT NULL,         -- the status_events row the error belongs to
  error_index   SMALLINT NOT NULL,
  waba_id       VARCHAR NOT NULL,
  message_id    VARCHAR,
  status_at     TIMESTAMPTZ NOT NULL,
  code          INTEGER,
  title         VARCHAR,
  details       VARCHAR,
  href          VARCHAR
);

-- Inbound user messages. The text itself is never stored: only derived flags.
CREATE TABLE message_events (
  event_key           UHUGEINT NOT NULL,
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR NOT NULL,
  phone_number_id     VARCHAR,
  display_phone_number VARCHAR,
  message_id          VARCHAR NOT NULL,
  received_at         TIMESTAMPTZ NOT NULL,
  message_type        VARCHAR,
  sender_hash         UBIGINT,
  sender_prefix       VARCHAR,
  sender_country      VARCHAR,
  has_bsuid           BOOLEAN NOT NULL DEFAULT false,
  context_message_id  VARCHAR,             -- the business message this one replies to, if any
  opens_service_window BOOLEAN NOT NULL,
  referral_source_type VARCHAR,            -- 'ad' | 'post' … (Click-to-WhatsApp / Page CTA)
  referral_source_id  VARCHAR,
  ctwa_clid           VARCHAR,
  opt_out_keyword     BOOLEAN NOT NULL DEFAULT false
);

-- phone_number_quality_update and business_capability_update: limits and quality.
CREATE TABLE quality_events (
  event_key           UHUGEINT NOT NULL,
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR NOT NULL,
  field               VARCHAR NOT NULL,
  event_at            TIMESTAMPTZ,
  display_phone_number VARCHAR,
  event               VARCHAR,
  current_limit       VARCHAR,
  old_limit           VARCHAR,
  max_daily_conversations_per_business VARCHAR,
  max_daily_conversation_per_phone VARCHAR,
  max_phone_numbers_per_business VARCHAR,
  max_phone_numbers_per_waba VARCHAR,
  raw                 JSON NOT NULL
);

-- message_template_status_update, message_template_quality_update, template_category_update.
CREATE TABLE template_events (
  event_key           UHUGEINT NOT NULL,
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR NOT NULL,
  field               VARCHAR NOT NULL,
  event_at            TIMESTAMPTZ,
  template_id         VARCHAR,
  template_name       VARCHAR,
  template_language   VARCHAR,
  event               VARCHAR,
  reason              VARCHAR,
  category            VARCHAR,
  previous_quality    VARCHAR,
  new_quality         VARCHAR,
  previous_category   VARCHAR,
  new_category        VARCHAR,
  correct_category    VARCHAR,
  category_update_at  TIMESTAMPTZ,
  raw                 JSON NOT NULL
);

-- account_update and account_alerts.
CREATE TABLE account_events (
  event_key           UHUGEINT NOT NULL,
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR NOT NULL,
  field               VARCHAR NOT NULL,
  event_at            TIMESTAMPTZ,
  event               VARCHAR,
  phone_number        VARCHAR,             -- the business's own number, when the event names one
  tier_pricing_category VARCHAR,           -- VOLUME_BASED_PRICING_TIER_UPDATE
  tier                VARCHAR,
  tier_effective_month VARCHAR,
  tier_region         VARCHAR,
  tier_update_at      TIMESTAMPTZ,
  auth_intl_start_at  TIMESTAMPTZ,         -- AUTH_INTL_PRICE_ELIGIBILITY_UPDATE
  primary_country     VARCHAR,             -- BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE
  ban_state           VARCHAR,
  violation_type      VARCHAR,
  restriction_types   VARCHAR[],
  alert_type          VARCHAR,
  alert_severity      VARCHAR,
  raw                 JSON NOT NULL
);

-- user_preferences: marketing opt-out (stop) / resume.
CREATE TABLE preference_events (
  event_key           UHUGEINT NOT NULL,
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR NOT NULL,
  phone_number_id     VARCHAR,
  event_at            TIMESTAMPTZ,
  user_hash           UBIGINT,
  user_prefix         VARCHAR,
  user_country        VARCHAR,
  category            VARCHAR,
  value               VARCHAR
);

-- Everything else, kept whole: unknown fields, system-level errors (value.errors without statuses).
CREATE TABLE other_events (
  event_key           UHUGEINT NOT NULL,
  run_id              INTEGER NOT NULL,
  file_id             INTEGER,
  line_no             BIGINT,
  waba_id             VARCHAR,
  field               VARCHAR,
  kind                VARCHAR NOT NULL,    -- 'system_error' | 'unknown_field'
  event_at            TIMESTAMPTZ,
  error_code          INTEGER,
  raw                 JSON NOT NULL
);

-- Input that could not be loaded, kept with its reason and raw text so it can be fixed and re-run.
CREATE TABLE quarantine (
  quarantine_key      UHUGEINT NOT NULL,   -- md5 of item path | raw text: the same bad input is kept once
  run_id              INTEGER NOT NULL,
  path                VARCHAR NOT NULL,
  line_no             BIGINT,
  item                VARCHAR,             -- where inside the payload, e.g. entry[0].changes[1].value.statuses[3]
  reason              VARCHAR NOT NULL,
  raw                 VARCHAR NOT NULL,
  quarantined_at      TIMESTAMPTZ NOT NULL
);

-- WABA settings used by pricing and bucketing; unknown WABAs default to UTC / USD (shown as an assumption).
CREATE TABLE waba_accounts (
  waba_id             VARCHAR PRIMARY KEY,
  name                VARCHAR,
  time_zone           VARCHAR NOT NULL DEFAULT 'UTC',
  currency            VARCHAR NOT NULL DEFAULT 'USD',
  business_portfolio_id VARCHAR,
  primary_country     VARCHAR,
  bsp                 VARCHAR,
  is_demo             BOOLEAN NOT NULL DEFAULT false
);

CREATE TABLE phone_prefixes (
  prefix              VARCHAR PRIMARY KEY,
  iso2                VARCHAR NOT NULL
);
