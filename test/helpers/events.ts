/**
 * Timeline events of every kind for property tests of the writers: any text in the names (quotes,
 * control characters, lone surrogates, formula prefixes), any number (NaN, infinities, -0, the
 * whole double range), null and absent fields, and a few names that repeat as in real timelines.
 */
import fc from 'fast-check'
import type { TimelineEvent } from '../../src/timeline/event.js'

export const anyNumber = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e21, 1e-7, 5e-324),
)
const nullable = fc.option(anyNumber, { nil: null })
const text = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom(
    'binance',
    'BTCUSDT',
    'BTC-USDT-PERP',
    '=1+2',
    '-x',
    '@a',
    '\ttab',
    'a,b',
    'q"q',
    'new\nline',
  ),
)
// A handful of names, so that runs of events repeat them (as real timelines do).
const name = fc.constantFrom('binance', 'BTCUSDT', 'BTC-USDT-PERP', 'binance-aggtrades', 'é', '"')
const head = fc.record({
  ts: fc.oneof(fc.double({ min: 946_684_800_000, max: 4_102_444_800_000 }), anyNumber),
  exchange: fc.oneof(name, text),
  symbol: fc.oneof(name, text),
  market: fc.oneof(name, text),
  source: fc.oneof(name, text),
})

export const anyEvent: fc.Arbitrary<TimelineEvent> = fc.oneof(
  fc
    .tuple(
      head,
      anyNumber,
      anyNumber,
      nullable,
      fc.constantFrom('buy', 'sell', 'unknown'),
      fc.option(text, { nil: undefined }),
    )
    .map(([h, price, amount, notionalUsd, side, id]) => ({
      ...h,
      kind: 'trade' as const,
      price,
      amount,
      notionalUsd,
      side: side as 'buy',
      ...(id === undefined ? {} : { id }),
    })),
  fc
    .tuple(
      head,
      anyNumber,
      anyNumber,
      anyNumber,
      fc.constantFrom('long', 'short'),
      fc.option(text, { nil: undefined }),
    )
    .map(([h, price, amount, notionalUsd, side, id]) => ({
      ...h,
      kind: 'liquidation' as const,
      price,
      amount,
      notionalUsd,
      side: side as 'long',
      ...(id === undefined ? {} : { id }),
    })),
  fc.tuple(head, nullable, nullable).map(([h, openInterest, openInterestUsd]) => ({
    ...h,
    kind: 'open_interest' as const,
    openInterest,
    openInterestUsd,
  })),
  fc.tuple(head, anyNumber, nullable).map(([h, fundingRate, intervalHours]) => ({
    ...h,
    kind: 'funding' as const,
    fundingRate,
    intervalHours,
  })),
  fc
    .tuple(
      head,
      anyNumber,
      fc.array(nullable, { minLength: 12, maxLength: 12 }),
      fc.option(fc.tuple(nullable, nullable), { nil: undefined }),
    )
    .map(([h, durationMs, v, base]) => ({
      ...h,
      kind: 'bar' as const,
      durationMs,
      open: v[0]!,
      high: v[1]!,
      low: v[2]!,
      close: v[3]!,
      volume: v[4]!,
      volumeUsd: v[5]!,
      takerBuyUsd: v[6]!,
      trades: v[7]!,
      liqLongUsd: v[8]!,
      liqShortUsd: v[9]!,
      openInterest: v[10]!,
      openInterestUsd: v[11]!,
      ...(base === undefined ? {} : { liqLongBase: base[0], liqShortBase: base[1] }),
    })),
)
