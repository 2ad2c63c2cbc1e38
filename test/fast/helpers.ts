/**
 * Driving the fast path and the reference path (csv-parse + row()) on the same bytes: readers made
 * from a hand-written probe (so that any text can be read as a given format), and everything a read
 * produces — events, every bad row (by line), and the input's counts.
 */
import { Readable } from 'node:stream'
import { Ledger } from '../../src/ingest/ledger.js'
import { readEvents } from '../../src/ingest/read.js'
import { binanceAggTrades } from '../../src/sources/binance-aggtrades.js'
import { binanceTrades } from '../../src/sources/binance-trades.js'
import { cascadeBars } from '../../src/sources/cascade-bars.js'
import type { FileReader, Source } from '../../src/sources/source.js'
import { tardisTrades } from '../../src/sources/tardis-trades.js'
import { CASCADE_BARS_COLUMNS } from '../../src/timeline/csv-formats.js'
import type { Located } from '../../src/timeline/event.js'
import { newStats } from '../helpers/read.js'

export interface Format {
  name: string
  source: Source
  /** The probe's first line (a header, or a data row that decides spot/futures). */
  probeLine: string
  /** A good row for index i. */
  row(i: number): string[]
}

const AGG_HEADER = 'agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker'
const aggRow = (i: number) => [
  String(3454067270 + i),
  `7698${i % 10}.${i % 7}`,
  `0.0${(i % 89) + 10}`,
  String(8089233297 + i),
  String(8089233297 + i + (i % 3)),
  String(1789655280294 + i * 7),
  i % 3 === 0 ? 'true' : 'false',
]
const tradeRow = (i: number) => [
  String(6052449000 + i),
  `7698${i % 10}.${i % 7}`,
  `0.0${(i % 89) + 10}`,
  `${2400 + (i % 50)}.${i % 100}`,
  String(1770249600123 + i * 5),
  i % 2 === 0 ? 'true' : 'false',
]

export const FORMATS: Format[] = [
  { name: 'BTCUSDT-aggTrades-2026-09-17.csv', source: binanceAggTrades, probeLine: AGG_HEADER, row: aggRow },
  {
    name: 'BTCUSDT-aggTrades-2021-05-19.csv',
    source: binanceAggTrades,
    probeLine: aggRow(0).join(','),
    row: aggRow,
  },
  {
    // Spot: 8 fields, µs timestamps from 2025, capitalised booleans.
    name: 'BTCUSDT-aggTrades-2025-10-10.csv',
    source: binanceAggTrades,
    probeLine: '3644460574,121500.00000000,0.00100000,5326453711,5326453711,1760054400000123,True,True',
    row: (i) => [
      String(3644460574 + i),
      `12150${i % 10}.0${i % 10}000000`,
      `0.00${(i % 9) + 1}00000`,
      String(5326453711 + i),
      String(5326453711 + i),
      String(1760054400000123 + i * 3071),
      i % 2 ? 'True' : 'False',
      'True',
    ],
  },
  {
    name: 'BTCUSD_PERP-aggTrades-2024-08-05.csv',
    source: binanceAggTrades,
    probeLine: AGG_HEADER,
    row: (i) => {
      const r = aggRow(i)
      r[2] = String((i % 40) + 1)
      return r
    },
  },
  {
    name: 'BTCUSDT-trades-2026-02-05.csv',
    source: binanceTrades,
    probeLine: 'id,price,qty,quote_qty,time,is_buyer_maker',
    row: tradeRow,
  },
  {
    name: 'BTCUSD_PERP-trades-2020-06-04.csv',
    source: binanceTrades,
    probeLine: 'id,price,qty,base_qty,time,is_buyer_maker',
    row: tradeRow,
  },
  {
    name: 'BTCUSDT-trades-2021-05-19.csv',
    source: binanceTrades,
    probeLine: '6052449000,42900.01000000,0.00100000,42.90001000,1621382400549,True,True',
    row: (i) => [...tradeRow(i).slice(0, 5), i % 2 ? 'True' : 'False', 'True'],
  },
]

/**
 * Formats read by csv-parse with quotes on and no fast description: the fast path splits their
 * lines at commas until a quote or a lone CR hands the rest of the file to csv-parse.
 */
export const QUOTED_FORMATS: Format[] = [
  {
    name: 'bars-2026-02-06.csv',
    source: cascadeBars,
    probeLine: CASCADE_BARS_COLUMNS.join(','),
    row: (i) => [
      String(1770336000000 + i * 60000),
      'binance',
      'LINKUSDT',
      'LINK-USDT-PERP',
      '60000',
      `7.4${i % 10}`,
      '7.577',
      '7.384',
      '7.476',
      '332748.45',
      '2493265.22033',
      '1403466.69897',
      String(9000 + i),
      i % 2 ? '' : '1200.5',
      '',
      '',
      '',
    ],
  },
  {
    name: 'binance-futures_trades_2020-02-22_BTCUSDT.csv',
    source: tardisTrades,
    probeLine: 'exchange,symbol,timestamp,local_timestamp,id,side,price,amount',
    row: (i) => [
      'binance-futures',
      'BTCUSDT',
      String(1582329602111000 + i * 1000),
      String(1582329602418379 + i * 1000),
      String(42377944 + i),
      i % 2 ? 'buy' : 'sell',
      `968${i % 10}`,
      `0.${(i % 900) + 100}`,
    ],
  },
]

export function readerOf(format: Format): FileReader {
  return format.source.open({ name: format.name, lines: [format.probeLine.split(',')] }, {})
}

export interface Outcome {
  events: Located[]
  bad: { line: number; code: string; message: string }[]
  counts: {
    rows: number
    events: number
    badRows: number
    skipped: number
    first: number | null
    last: number | null
  }
}

/** Read chunks with the fast path (`fast`) or csv-parse + row(). */
export async function readWith(
  chunks: Buffer[],
  reader: FileReader,
  fast: boolean,
  maxLineBytes?: number,
): Promise<Outcome> {
  const stats = newStats('test.csv')
  const bad: Outcome['bad'] = []
  const ledger = new Ledger({ onBadRow: ({ line, code, message }) => bad.push({ line, code, message }) })
  const events: Located[] = []
  const stream = Readable.from(chunks, { objectMode: false })
  for await (const batch of readEvents(stream, {
    ledger,
    stats,
    reader,
    sortWindow: 1_000_000,
    batchSize: 7,
    fast,
    maxLineBytes,
  })) {
    events.push(...batch)
  }
  const { rows, badRows, skipped, first, last } = stats
  // Not sorted: both paths find bad rows in line order, OUT_OF_ORDER ones included (issue 15 item 11).
  return { events, bad, counts: { rows, events: stats.events, badRows, skipped, first, last } }
}

/** Cut bytes at the given offsets. */
export function cutAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const at = [...new Set(offsets.filter((o) => o > 0 && o < bytes.length))].sort((a, b) => a - b)
  const chunks: Buffer[] = []
  let from = 0
  for (const to of [...at, bytes.length]) {
    chunks.push(bytes.subarray(from, to))
    from = to
  }
  return chunks
}
