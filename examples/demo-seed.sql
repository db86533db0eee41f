-- Demo data for `make demo`: two strategies copying the FT wallet 'demo-leader' — one shadow (walks
-- the real book, simulates the fill, never signs) and one live (signs and posts to the paper
-- exchange) — and FT signals on the markets of examples/demo.json, including malformed ones that
-- execute must turn into SKIPPED rows with a reason. Times are relative to now() so the signals are
-- fresh whenever the demo runs.

INSERT INTO ft_wallets (wallet_id, trader_wallet, display_name)
VALUES ('demo-leader', '0x1111111111111111111111111111111111111111', 'Demo leader')
ON CONFLICT (wallet_id) DO NOTHING;

-- demo-shadow: half the leader's size. demo-live: the leader's size, so the $150 signal is above
-- the $100 FAK threshold and goes out as FAK; the smaller ones as FOK.
INSERT INTO lt_strategies (strategy_id, user_id, ft_wallet_id, wallet, mode, trading_state, sizing_mode,
    size_multiplier, min_order_usd, max_signal_age_seconds, max_slippage_bps, initial_capital, available_cash,
    peak_equity, max_position_size_usd, max_total_exposure_usd, daily_budget_usd, max_daily_loss_usd,
    circuit_breaker_loss_pct)
VALUES
  ('demo-shadow', 'demo-user', 'demo-leader', 'demo', 'shadow', 'ACTIVE', 'SIGNAL',
   0.5, 1, 600, 300, 1000, 1000, 1000, 100, 500, 300, 100, 20),
  ('demo-live', 'demo-user', 'demo-leader', 'demo', 'live', 'ACTIVE', 'SIGNAL',
   1.0, 1, 600, 300, 1000, 1000, 1000, 200, 500, 400, 100, 20)
ON CONFLICT (strategy_id) DO NOTHING;

INSERT INTO ft_orders (order_id, wallet_id, order_time, side, condition_id, token_label, token_id, entry_price,
    size, trader_wallet, market_title, market_slug, outcome)
VALUES
  -- Standard market, YES at 0.50 (asks 0.50 / 0.51 / 0.55 in the paper book).
  ('demo-ft-1', 'demo-leader', now() - interval '2 minutes', 'BUY',
   '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'Yes', NULL, 0.50, 40,
   '0x1111111111111111111111111111111111111111', 'Will the demo market resolve YES?', 'demo-standard', 'OPEN'),
  -- Neg-risk market, YES at 0.33: a $150 signal, FAK for the live strategy.
  ('demo-ft-2', 'demo-leader', now() - interval '1 minute', 'BUY',
   '0x9c1a953fe92c8357f1b646ba25d983aa83e90c525992db14fb726fa895cb5763', 'Yes', NULL, 0.33, 150,
   '0x1111111111111111111111111111111111111111', 'Will the neg-risk demo candidate win?', 'demo-neg-risk',
   'OPEN'),
  -- Malformed and stale signals: SKIPPED with a reason, the rest of the batch still trades.
  ('demo-ft-bad-price', 'demo-leader', now() - interval '1 minute', 'BUY',
   '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'Yes', NULL, 1.7, 10,
   '0x1111111111111111111111111111111111111111', 'Malformed: price outside (0,1)', 'demo-standard', 'OPEN'),
  ('demo-ft-bad-label', 'demo-leader', now() - interval '1 minute', 'BUY',
   '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'Maybe', NULL, 0.40, 10,
   '0x1111111111111111111111111111111111111111', 'Malformed: unknown outcome label', 'demo-standard', 'OPEN'),
  ('demo-ft-stale', 'demo-leader', now() - interval '20 minutes', 'BUY',
   '0x5f65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f1', 'No', NULL, 0.52, 15,
   '0x1111111111111111111111111111111111111111', 'Stale signal', 'demo-standard', 'OPEN')
ON CONFLICT (order_id) DO NOTHING;
