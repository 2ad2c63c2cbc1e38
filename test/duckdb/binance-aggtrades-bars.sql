-- Binance aggTrades (USD-M) → cascade-bars, one row per second: the same bars `cascade bars` makes.
-- Columns: agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker.
-- Files before 2022-08-11 have no header: read_csv(…, header = false, names = ['agg_trade_id',
-- 'price', 'quantity', 'first_trade_id', 'last_trade_id', 'transact_time', 'is_buyer_maker']).
-- transact_time is in ms (spot files from 2025 are in µs: transact_time // 1000000 * 1000).
COPY (
  SELECT
    transact_time // 1000 * 1000 AS ts,
    'binance' AS exchange,
    'BTCUSDT' AS symbol,
    'BTC-USDT-PERP' AS market,
    1000 AS durationMs,
    arg_min(price, agg_trade_id) AS open,
    max(price) AS high,
    min(price) AS low,
    arg_max(price, agg_trade_id) AS close,
    sum(quantity) AS volume,
    sum(price * quantity) AS volumeUsd,
    -- the buyer was not the maker: the taker bought
    sum(CASE WHEN is_buyer_maker THEN 0 ELSE price * quantity END) AS takerBuyUsd,
    count(*) AS trades,
    NULL AS liqLongUsd,
    NULL AS liqShortUsd,
    NULL AS openInterest,
    NULL AS openInterestUsd
  FROM read_csv('BTCUSDT-aggTrades-*.csv', header = true, types = {'price': 'DOUBLE', 'quantity': 'DOUBLE'})
  GROUP BY ts
  ORDER BY ts
) TO 'bars.csv' (HEADER);
