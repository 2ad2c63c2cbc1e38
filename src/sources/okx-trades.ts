// OKX trade history downloads — https://www.okx.com/data-download
// static.okx.com/cdn/okex/traderecords/trades/daily/YYYYMMDD/{INST}-trades-YYYY-MM-DD.zip (and aggtrades)
// new header: instrument_name,trade_id,side,price,size,created_time
// old header: trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间
//             (no instrument column: it comes from the file name)
//
// Columns are matched by their English name (the part before `/`), so column order does not matter.
// `created_time` is epoch ms, `side` the taker's in lower case. SWAP and dated FUTURES sizes are
// contracts × ctVal from the instrument table (BTC-USDT-SWAP 0.01 BTC, BTC-USD-SWAP 100 USD);
// spot sizes are base units (sometimes written `1.912e-05`). A derivative whose ctVal is not in
// the table is skipped and named in the warnings, never guessed. OKX daily files follow UTC+8 days.
import { FatalError, RowError } from '../errors.js'
import type { TradeEvent } from '../timeline/event.js'
import { describeFirstLine } from './binance-common.js'
import { aboveZero, epochToMs, expectFields, oneOf } from './fields.js'
import { baseAmount, okxInstrument, usdNotional } from './instruments.js'
import { Skip, type Source } from './source.js'
import { instrumentCache } from './venue-common.js'

const REQUIRED = ['trade_id', 'side', 'price', 'size', 'created_time'] as const
const KNOWN = new Set<string>([...REQUIRED, 'instrument_name'])
const SIDES = { buy: 'buy', sell: 'sell' } as const
/** `BTC-USDT-SWAP-trades-2024-08-05.csv`, `BTC-USD-250926-aggtrades-2025-06-01.csv` */
const NAME = /^([A-Z0-9]+(?:-[A-Z0-9]+)+)-(trades|aggtrades)-(\d{4}-\d{2}-\d{2})(?:\.csv)?$/

/** `created_time/成交时间` → `created_time`. */
function englishName(column: string): string {
  return column.split('/')[0]!.trim().toLowerCase()
}

function columnsOf(header: readonly string[] | undefined): Map<string, number> | null {
  if (!header) return null
  const columns = new Map<string, number>()
  for (const [i, column] of header.entries()) {
    const name = englishName(column)
    if (!KNOWN.has(name) || columns.has(name)) return null
    columns.set(name, i)
  }
  return REQUIRED.every((name) => columns.has(name)) ? columns : null
}

export const okxTrades: Source = {
  id: 'okx-trades',
  title: 'OKX trades / aggtrades downloads (new and bilingual headers; swap and futures sizes in contracts)',
  exchange: 'okx',
  kinds: ['trade'],
  docs: 'https://www.okx.com/data-download',
  detect(probe) {
    const header = probe.lines[0]
    if (columnsOf(header)) {
      const bilingual = header!.some((c) => c.includes('/'))
      return {
        claims: true,
        why: bilingual
          ? 'header is the older bilingual OKX trades header (trade_id/…,side/…,size/…,price/…,…)'
          : 'header is OKX trades (instrument_name,trade_id,side,price,size,created_time)',
      }
    }
    return {
      claims: false,
      why:
        'needs header instrument_name,trade_id,side,price,size,created_time or the bilingual ' +
        `trade_id/交易id,side/交易方向,size/数量,price/价格,created_time/成交时间; ${describeFirstLine(probe)}`,
    }
  },
  open(probe, options) {
    const columns = columnsOf(probe.lines[0])!
    const at = (name: string) => columns.get(name)!
    const [instrumentAt, idAt, sideAt, priceAt, sizeAt, timeAt] = [
      columns.get('instrument_name'),
      at('trade_id'),
      at('side'),
      at('price'),
      at('size'),
      at('created_time'),
    ]
    const fileSymbol = (options.symbol ?? NAME.exec(probe.name)?.[1])?.toUpperCase()
    if (instrumentAt === undefined && !fileSymbol) {
      throw new FatalError(
        `${probe.name || '<stdin>'}: cannot tell the instrument of this OKX file (no instrument_name column)`,
        'keep the OKX file name (e.g. BTC-USDT-SWAP-trades-2024-08-05.zip) or pass --symbol BTC-USDT-SWAP',
      )
    }
    const instrumentOf = instrumentCache(okxInstrument)
    return {
      hasHeader: true,
      row(f): TradeEvent | Skip {
        expectFields(f, columns.size)
        const symbol = instrumentAt === undefined ? fileSymbol! : f[instrumentAt]!
        if (symbol.length === 0) throw new RowError('MISSING_FIELD', 'instrument_name: empty')
        const instrument = instrumentOf(symbol)
        if (instrument instanceof Skip) return instrument
        const ts = epochToMs(f[timeAt], 'created_time')
        const side = oneOf(f[sideAt], 'side', SIDES)
        const price = aboveZero(f[priceAt], 'price')
        const size = aboveZero(f[sizeAt], 'size')
        return {
          ts,
          exchange: 'okx',
          symbol,
          market: instrument.market,
          kind: 'trade',
          source: 'okx-trades',
          price,
          amount: baseAmount(instrument, size, price),
          notionalUsd: usdNotional(instrument, size, price),
          side,
          id: f[idAt]!,
        }
      },
    }
  },
}
