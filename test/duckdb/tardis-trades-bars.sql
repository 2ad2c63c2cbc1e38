-- Tardis.dev trades (one linear instrument) → cascade-bars, one row per second.
-- Columns: exchange,symbol,timestamp,local_timestamp,id,side,price,amount; timestamp in µs.
-- amount is in base units for linear contracts; for inverse ones (BitMEX XBTUSD, Deribit) it is
-- in USD: volume = sum(amount / price), volumeUsd = sum(amount). Rows of one timestamp keep
-- their order in the file (Tardis writes them by arrival, local_timestamp), as cascade keeps them.
COPY (
  SELECT
    timestamp // 1000000 * 1000 AS ts,
    'binance' AS exchange,
    symbol,
    'BTC-USDT-PERP' AS market,
    1000 AS durationMs,
    arg_min(price, (timestamp, local_timestamp)) AS open,
    max(price) AS high,
    min(price) AS low,
    arg_max(price, (timestamp, local_timestamp)) AS close,
    sum(amount) AS volume,
    sum(price * amount) AS volumeUsd,
    sum(CASE WHEN side = 'buy' THEN price * amount ELSE 0 END) AS takerBuyUsd,
    count(*) AS trades,
    NULL AS liqLongUsd,
    NULL AS liqShortUsd,
    NULL AS openInterest,
    NULL AS openInterestUsd
  FROM read_csv('binance-futures_trades_*_BTCUSDT.csv.gz', header = true, types = {'price': 'DOUBLE', 'amount': 'DOUBLE'})
  GROUP BY ts, symbol
  ORDER BY ts
) TO 'bars.csv' (HEADER);
