// Seeds a ledger with a small, hand-countable set of rows for the overview, Data page and e2e tests.
import type { Ledger } from "../../../app/.server/db";

export const ACME = "102290129340398"; // in waba_accounts, São Paulo, BRL, demo
export const BERLIN = "209988776655443"; // in waba_accounts, no events yet
export const STRAY = "555000111222333"; // only seen in events: UTC and USD assumed

/**
 * ACME: status rows m1 sent/delivered/read, m2 delivered twice (a retry with another timestamp), m3 failed,
 *       m4 delivered → 7 status rows; delivered {m1,m2,m4} = 3, read {m1} = 1, failed {m3} = 1.
 *       2 inbound messages, 1 quality event (the earliest event), 1 template event without a time.
 *       events = 7 + 2 + 1 + 1 = 11; first 2025-01-31T23:30Z, last 2025-02-02T10:00Z.
 * STRAY: 1 delivered status, 1 preference event, 1 other event → 3 events; one more other event has no WABA.
 */
export async function seedOverview(ledger: Ledger): Promise<void> {
  await ledger.run(`
    INSERT INTO waba_accounts (waba_id, name, time_zone, currency, is_demo) VALUES
      ('${ACME}', 'Acme Retail', 'America/Sao_Paulo', 'BRL', true),
      ('${BERLIN}', 'Berlin Bikes', 'Europe/Berlin', 'EUR', false);

    INSERT INTO ingest_runs (run_id, started_at, finished_at, source, is_demo, files, lines, payloads, events, duplicates, quarantined)
    VALUES (1, TIMESTAMPTZ '2025-02-03 08:00:00+00', TIMESTAMPTZ '2025-02-03 08:00:02.5+00', 'test', false, 2, 14, 12, 14, 1, 2);

    INSERT INTO status_events (event_key, run_id, waba_id, message_id, status, status_at) VALUES
      (1, 1, '${ACME}', 'm1', 'sent',      TIMESTAMPTZ '2025-02-01 12:00:00+00'),
      (2, 1, '${ACME}', 'm1', 'delivered', TIMESTAMPTZ '2025-02-01 12:00:05+00'),
      (3, 1, '${ACME}', 'm1', 'read',      TIMESTAMPTZ '2025-02-01 12:10:00+00'),
      (4, 1, '${ACME}', 'm2', 'delivered', TIMESTAMPTZ '2025-02-01 13:00:00+00'),
      (5, 1, '${ACME}', 'm2', 'delivered', TIMESTAMPTZ '2025-02-01 13:00:01+00'),
      (6, 1, '${ACME}', 'm3', 'failed',    TIMESTAMPTZ '2025-02-01 14:00:00+00'),
      (7, 1, '${ACME}', 'm4', 'delivered', TIMESTAMPTZ '2025-02-02 09:00:00+00'),
      (8, 1, '${STRAY}', 'm9', 'delivered', TIMESTAMPTZ '2025-03-10 02:30:00+00');

    INSERT INTO message_events (event_key, run_id, waba_id, message_id, received_at, opens_service_window) VALUES
      (11, 1, '${ACME}', 'i1', TIMESTAMPTZ '2025-02-01 15:00:00+00', true),
      (12, 1, '${ACME}', 'i2', TIMESTAMPTZ '2025-02-02 10:00:00+00', false);

    INSERT INTO quality_events (event_key, run_id, waba_id, field, event_at, raw) VALUES
      (21, 1, '${ACME}', 'phone_number_quality_update', TIMESTAMPTZ '2025-01-31 23:30:00+00', '{}');

    INSERT INTO template_events (event_key, run_id, waba_id, field, event_at, raw) VALUES
      (31, 1, '${ACME}', 'message_template_status_update', NULL, '{}');

    INSERT INTO preference_events (event_key, run_id, waba_id, event_at, category, value) VALUES
      (41, 1, '${STRAY}', TIMESTAMPTZ '2025-03-09 22:00:00+00', 'marketing_messages', 'stop');

    INSERT INTO other_events (event_key, run_id, waba_id, kind, event_at, raw) VALUES
      (51, 1, '${STRAY}', 'unknown_field', TIMESTAMPTZ '2025-03-10 01:00:00+00', '{}'),
      (52, 1, NULL, 'system_error', TIMESTAMPTZ '2020-01-01 00:00:00+00', '{}');

    INSERT INTO quarantine (quarantine_key, run_id, path, line_no, item, reason, raw, quarantined_at) VALUES
      (61, 1, 'exports/bad.jsonl', 7, NULL, 'not valid JSON', '{"object":"whatsapp_business_account",' || repeat('x', 300), TIMESTAMPTZ '2025-02-03 08:00:01+00'),
      (62, 1, 'exports/bad.jsonl', 9, 'entry[0].changes[0].value.statuses[1]', 'status without timestamp', '{"id":"wamid.X","status":"delivered"}', TIMESTAMPTZ '2025-02-03 08:00:02+00');
  `);
}
