/**
 * The `cascade-bars` columns (a contract, DESIGN §10): what `cascade bars` writes and the
 * `cascade-bars` source reads back, and what a DuckDB/ClickHouse/Spark job produces at scale.
 * `ts` is the bucket's open time in epoch ms (UTC); an empty cell is null.
 */
export const CASCADE_BARS_COLUMNS = [
  'ts',
  'exchange',
  'symbol',
  'market',
  'durationMs',
  'open',
  'high',
  'low',
  'close',
  'volume',
  'volumeUsd',
  'takerBuyUsd',
  'trades',
  'liqLongUsd',
  'liqShortUsd',
  'openInterest',
  'openInterestUsd',
] as const
