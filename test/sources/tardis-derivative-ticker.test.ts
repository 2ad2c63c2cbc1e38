/**
 * tardis-derivative-ticker through the real ingest path. Fixtures (fixtures/tardis-derivative-ticker/):
 * - binance-futures_derivative_ticker_2020-02-01_BTCUSDT.csv.gz: before Binance OI reached the feed
 *   (2020-05-13); row 1 is the "no OI yet" row quoted in FORMATS §6, then funding and prices only.
 * - binance-futures_derivative_ticker_2024-08-05_BTCUSDT.csv.gz: OI in BTC, mark prices.
 * - deribit_derivative_ticker_2026-08-10_BTC-PERPETUAL.csv.gz: row 1 is the nautilus_trader sample
 *   of FORMATS §6 (OI 705041730 USD, mark 65220.13).
 * Rows other than the quoted ones are plausible.
 * One row → one event or a counted Skip: OI when it changes, else funding when it changes, else Skip.
 */
import { describe, expect, it } from 'vitest'
import type { RowError } from '../../src/errors.js'
import { SOURCES } from '../../src/sources/index.js'
import { Skip } from '../../src/sources/source.js'
import { tardisDerivativeTicker } from '../../src/sources/tardis-derivative-ticker.js'
import { counts, plain, readAll } from '../helpers/ingest.js'
import { claimants, probeOf, rowReader } from './venue-rows.js'

const DIR = 'fixtures/tardis-derivative-ticker'
const NO_OI = `${DIR}/binance-futures_derivative_ticker_2020-02-01_BTCUSDT.csv.gz`
const BINANCE = `${DIR}/binance-futures_derivative_ticker_2024-08-05_BTCUSDT.csv.gz`
const DERIBIT = `${DIR}/deribit_derivative_ticker_2026-08-10_BTC-PERPETUAL.csv.gz`
const HEADER =
  'exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price'
const NOTHING_YET = 'no open interest or funding rate yet (the exchange had not sent either)'
const UNCHANGED =
  'open interest and funding rate unchanged since the previous row (the level carries forward)'

describe('tardis-derivative-ticker', () => {
  it('without open interest: funding events when the rate changes, the rest counted as skipped', async () => {
    const { inputs, events } = await readAll([NO_OI])
    // Row 1 (binance-futures,BTCUSDT,1580515202348000,…,,,,,9364.51,,) has neither → Skip.
    // Row 2 brings funding 0.0001 → funding event; row 3 repeats it → Skip; row 4: 0.00009832 → funding event.
    expect(counts(inputs[0])).toEqual({ rows: 4, events: 2, duplicates: 0, badRows: 0, skipped: 2 })
    expect(Object.fromEntries(inputs[0]!.skipReasons)).toEqual({ [NOTHING_YET]: 1, [UNCHANGED]: 1 })
    expect(events.map(plain)).toEqual([
      {
        ts: 1580515203000,
        exchange: 'binance',
        symbol: 'BTCUSDT',
        market: 'BTC-USDT-PERP',
        kind: 'funding',
        source: 'tardis-derivative-ticker',
        fundingRate: 0.0001,
        intervalHours: null,
      },
      expect.objectContaining({ ts: 1580515205000, kind: 'funding', fundingRate: 0.00009832 }),
    ])
  })

  it('Binance USD-M: open interest in BTC, USD at the mark price; funding fills rows where OI is unchanged', async () => {
    const { inputs, events } = await readAll([BINANCE])
    expect(counts(inputs[0])).toEqual({ rows: 4, events: 4, duplicates: 0, badRows: 0, skipped: 0 })
    expect(events.map((e) => e.kind)).toEqual(['open_interest', 'funding', 'open_interest', 'funding'])
    // Row 1: OI 79210.412 BTC × mark 58018.7 = 4595685130.7044 USD
    expect(plain(events[0])).toEqual({
      ts: 1722816000000,
      exchange: 'binance',
      symbol: 'BTCUSDT',
      market: 'BTC-USDT-PERP',
      kind: 'open_interest',
      source: 'tardis-derivative-ticker',
      openInterest: 79210.412,
      openInterestUsd: expect.closeTo(4595685130.7044, 3),
    })
    // Row 2: OI unchanged, funding 0.0001 not yet emitted → funding.
    expect(events[1]).toMatchObject({ ts: 1722816001000, kind: 'funding', fundingRate: 0.0001 })
    // Row 3: OI 79188.004 × mark 58008.9 = 4593609005.2356 USD
    expect(events[2]).toMatchObject({
      ts: 1722816001534,
      openInterest: 79188.004,
      openInterestUsd: expect.closeTo(4593609005.2356, 3),
    })
    expect(events[3]).toMatchObject({ kind: 'funding', fundingRate: 0.00008765 })
  })

  it('Deribit (FORMATS row): open interest in USD exactly, BTC through the mark price', async () => {
    const { inputs, events } = await readAll([DERIBIT])
    expect(counts(inputs[0])).toEqual({ rows: 3, events: 3, duplicates: 0, badRows: 0, skipped: 0 })
    // deribit,BTC-PERPETUAL,1786320665523000,…,,0.00000459,,705041730,65255.5,65203.53,65220.13
    // 705041730 USD / 65220.13 = 10810.1859042… BTC
    expect(plain(events[0])).toEqual({
      ts: 1786320665523,
      exchange: 'deribit',
      symbol: 'BTC-PERPETUAL',
      market: 'BTC-USD-PERP',
      kind: 'open_interest',
      source: 'tardis-derivative-ticker',
      openInterest: 705041730 / 65220.13,
      openInterestUsd: 705041730,
    })
    // Row 2: OI unchanged; the funding rate now known is 0.00000461 (0.00000459 was superseded).
    expect(events[1]).toMatchObject({ kind: 'funding', fundingRate: 0.00000461 })
    // Row 3: 705039720 USD / 65220.2
    expect(events[2]).toMatchObject({ openInterest: 705039720 / 65220.2, openInterestUsd: 705039720 })
  })

  it('inverse contracts (COIN-M, BitMEX) give USD exactly; OKX contracts × ctVal; last price until a mark is known', () => {
    const read = rowReader(tardisDerivativeTicker, 'x_derivative_ticker_2024-08-05_X.csv', [HEADER])
    // binance-delivery BTCUSD_PERP: 5000 contracts × 100 USD = 500000 USD; / mark 50000 = 10 BTC
    expect(
      read('binance-delivery,BTCUSD_PERP,1722816000000000,1722816000100000,,,,5000,50010,,50000'),
    ).toMatchObject({
      exchange: 'binance',
      market: 'BTC-USD-PERP',
      openInterest: 10,
      openInterestUsd: 500000,
    })
    // bitmex XBTUSD: 600000000 contracts of 1 USD; no mark yet → the last price 60000: 10000 BTC
    expect(read('bitmex,XBTUSD,1722816000000000,1722816000100000,,,,600000000,60000,,')).toMatchObject({
      exchange: 'bitmex',
      openInterest: 10000,
      openInterestUsd: 600000000,
    })
    // okex-swap BTC-USDT-SWAP: 2000000 contracts × 0.01 = 20000 BTC; × mark 50000 = 1e9 USD
    expect(
      read('okex-swap,BTC-USDT-SWAP,1722816000000000,1722816000100000,,,,2000000,,,50000'),
    ).toMatchObject({
      exchange: 'okx',
      openInterest: 20000,
      openInterestUsd: 1e9,
    })
    // No price at all yet: the linear level is known in base units, USD unknown.
    expect(read('okex-swap,ETH-USDT-SWAP,1722816000000000,1722816000100000,,,,300,,,')).toMatchObject({
      openInterest: 30,
      openInterestUsd: null,
    })
    // Forward-fill is per symbol: BTC-USDT-SWAP's state is untouched by ETH's rows.
    expect(read('okex-swap,BTC-USDT-SWAP,1722816001000000,1722816001100000,,,,,,,50100')).toBeInstanceOf(Skip)
    expect((read('huobi-dm-swap,BTC-USD,1722816000000000,1722816000100000,,,,5,,,') as Skip).reason).toMatch(
      /huobi-dm-swap/,
    )
    expect((read('bitmex,XBTUSD,1722816000000000,1722816000100000,,,,-5,,,') as RowError).code).toBe(
      'BAD_NUMBER',
    )
    expect((read('bitmex,XBTUSD,1722816000000000,1722816000100000,,,,abc,,,') as RowError).code).toBe(
      'BAD_NUMBER',
    )
  })

  it('is the only source claiming the ticker header', () => {
    expect(
      claimants(SOURCES, probeOf('deribit_derivative_ticker_2026-08-10_BTC-PERPETUAL.csv', HEADER)),
    ).toEqual(['tardis-derivative-ticker'])
  })
})
