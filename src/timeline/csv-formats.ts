/**
 * The CSV layouts cascade writes and reads back: a contract between src/report (writers) and
 * src/sources (readers), so it lives below both.
 *
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

/**
 * Optional `cascade-bars` columns, written only when some bar has the figure (so a DuckDB job
 * without them still makes valid bars): liquidations counted in coins (Coinalyze), and how often
 * the open interest was sampled when coarser than the bar.
 */
export const CASCADE_BARS_OPTIONAL_COLUMNS = [
  'liqLongBase',
  'liqShortBase',
  'openInterestSamplingMs',
] as const

/**
 * The columns `cascade timeline --csv` wrote before liquidations counted in coins (Coinalyze's
 * liqLongBase/liqShortBase) had columns; still read back.
 */
export const TIMELINE_CSV_COLUMNS_V1 = [
  'ts',
  'time',
  'exchange',
  'symbol',
  'market',
  'kind',
  'source',
  'price',
  'amount',
  'notionalUsd',
  'side',
  'id',
  'openInterest',
  'openInterestUsd',
  'fundingRate',
  'intervalHours',
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
] as const

/**
 * The columns `cascade timeline --csv` writes, read back by the `cascade-timeline` source: every
 * field the NDJSON can carry, plus `time` for people.
 */
export const TIMELINE_CSV_COLUMNS = [
  ...TIMELINE_CSV_COLUMNS_V1,
  'liqLongBase',
  'liqShortBase',
  'openInterestLow',
  'openInterestUsdLow',
  'openInterestSamplingMs',
] as const
