-- Demo data for `make demo`: one shadow strategy copying the FT wallet 'demo-leader', and a few FT
-- signals in the last minutes — including malformed ones, which execute must turn into SKIPPED rows.
-- Times are relative to now() so the signals are fresh whenever the demo runs.

INSERT INTO ft_wallets (wallet_id, trader_wallet, display_name)
VALUES ('demo-leader', '0x1111111111111111111111111111111111111111', 'Demo leader')
ON CONFLICT (wallet_id) DO NOTHING;

INSERT INTO lt_strategies (strategy_id, user_id, ft_wallet_id, wallet, mode, trading_state, sizing_mode,
    size_multiplier, min_order_usd, max_signal_age_seconds, initial_capital, available_cash, peak_equity,
    max_position_size_usd, max_total_exposure_usd, daily_budget_usd, max_daily_loss_usd, circuit_breaker_loss_pct)
VALUES ('demo-shadow', 'demo-user', 'demo-leader', 'demo', 'shadow', 'ACTIVE', 'SIGNAL',
    0.5, 1, 600, 1000, 1000, 1000,
    100, 500, 300, 100, 20)
ON CONFLICT (strategy_id) DO NOTHING;

INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id, entry_price,
    size, trader_wallet, market_title, market_slug, outcome)
VALUES
  ('demo-ft-1', 'demo-leader', now() - interval '2 minutes', 'BUY',
   '0x00000000000000000000000000000000000000000000000000000000000000a1', 'Yes', NULL, 0.42, 40,
   '0x1111111111111111111111111111111111111111', 'Will the demo run?', 'will-the-demo-run', 'OPEN'),
  ('demo-ft-2', 'demo-leader', now() - interval '1 minute', 'BUY',
   '0x00000000000000000000000000000000000000000000000000000000000000b2', 'No', NULL, 0.61, 25,
   '0x1111111111111111111111111111111111111111', 'Is the book deep enough?', 'is-the-book-deep', 'OPEN'),
  ('demo-ft-bad-price', 'demo-leader', now() - interval '1 minute', 'BUY',
   '0x00000000000000000000000000000000000000000000000000000000000000c3', 'Yes', NULL, 1.7, 10,
   '0x1111111111111111111111111111111111111111', 'Malformed: price outside (0,1)', 'malformed', 'OPEN'),
  ('demo-ft-stale', 'demo-leader', now() - interval '2 hours', 'BUY',
   '0x00000000000000000000000000000000000000000000000000000000000000d4', 'Yes', NULL, 0.30, 15,
   '0x1111111111111111111111111111111111111111', 'Stale signal', 'stale', 'OPEN')
ON CONFLICT (order_id) DO NOTHING;
