-- demo-status: whether any demo data is present (drives the banner in the root layout).
-- Parameters: none.
-- Output:
--   demo_wabas   BIGINT  WABAs in waba_accounts tagged is_demo
SELECT count(*) AS demo_wabas FROM waba_accounts WHERE is_demo;
