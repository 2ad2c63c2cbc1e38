#!/usr/bin/env node
/**
 * DuckDB doing one of `npm run bench`'s jobs as a whole process, as a user would run it: start
 * Node, load @duckdb/node-api, run the query, take the result. The bench times this process from
 * start to exit, so both sides pay for starting up.
 *
 *   node scripts/bench-duckdb.mjs THREADS bars 'DIR/*.csv'          # 1-second bars of aggTrades CSVs
 *   node scripts/bench-duckdb.mjs THREADS timeline FILE.csv OUT     # aggTrades CSV → timeline NDJSON
 *   node scripts/bench-duckdb.mjs THREADS bars-json FILE.ndjson     # timeline NDJSON → 1-second bars
 *
 * Prints the number of rows the query gave (bars) or wrote (timeline).
 */
import { DuckDBInstance } from '@duckdb/node-api'

const [threads, job, input, output] = process.argv.slice(2)
const quoted = (path) => `'${path.replaceAll("'", "''")}'`

/** The 1-second bars `cascade bars` makes from USD-M aggTrades (as the cascade-bars DuckDB test). */
export function barsSql(csv) {
  return `SELECT transact_time // 1000 * 1000 AS ts,
    arg_min(price, agg_trade_id) AS open, max(price) AS high, min(price) AS low,
    arg_max(price, agg_trade_id) AS close, sum(quantity) AS volume, sum(price * quantity) AS volumeUsd,
    sum(CASE WHEN is_buyer_maker THEN 0 ELSE price * quantity END) AS takerBuyUsd, count(*) AS trades
  FROM read_csv(${quoted(csv)}, header = true)
  GROUP BY ALL ORDER BY ts`
}

/** The events `cascade timeline` writes for USD-M aggTrades, in its field order. */
function timelineSql(csv, out) {
  return `COPY (SELECT transact_time AS ts, 'binance' AS exchange, 'BTCUSDT' AS symbol,
      'BTC-USDT-PERP' AS market, 'trade' AS kind, 'binance-aggtrades' AS source, price,
      quantity AS amount, price * quantity AS notionalUsd,
      CASE WHEN is_buyer_maker THEN 'sell' ELSE 'buy' END AS side, CAST(agg_trade_id AS VARCHAR) AS id
    FROM read_csv(${quoted(csv)}, header = true)) TO ${quoted(out)} (FORMAT JSON)`
}

/** 1-second bars of a timeline NDJSON's trades. */
function barsJsonSql(ndjson) {
  return `SELECT ts // 1000 * 1000 AS t, arg_min(price, ts) AS open, max(price) AS high,
    min(price) AS low, arg_max(price, ts) AS close, sum(amount) AS volume,
    sum(notionalUsd) AS volumeUsd, sum(CASE WHEN side = 'buy' THEN notionalUsd ELSE 0 END) AS takerBuyUsd,
    count(*) AS trades
  FROM read_json(${quoted(ndjson)}, format = 'newline_delimited') WHERE kind = 'trade'
  GROUP BY ALL ORDER BY t`
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const instance = await DuckDBInstance.create(':memory:', { threads })
  const connection = await instance.connect()
  if (job === 'bars')
    process.stdout.write(`${(await connection.runAndReadAll(barsSql(input))).currentRowCount}\n`)
  else if (job === 'bars-json')
    process.stdout.write(`${(await connection.runAndReadAll(barsJsonSql(input))).currentRowCount}\n`)
  else if (job === 'timeline') {
    const result = await connection.runAndReadAll(timelineSql(input, output))
    process.stdout.write(`${result.getRows()[0]?.[0] ?? 0}\n`)
  } else {
    process.stderr.write(`bench-duckdb: unknown job ${job}\n`)
    process.exit(2)
  }
}
