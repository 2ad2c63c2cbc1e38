/**
 * The daily report from an analysis of [day − baseline, day end + tail): the day's figures per
 * market from the chart series, the cascades that started in the day, the ranking against earlier
 * reports, and the data notes. The "day" is the span reported: the whole day, or the part of it
 * --from/--to selected. No I/O, no clock: the same bars and history give the same document.
 */
import type {
  AnalysisParams,
  AnalysisResult,
  BadRowsSummary,
  Cascade,
  MarketSeries,
  SuspectPrintsSummary,
} from '../../analysis/index.js'
import { duration, pct, price, usd } from '../format.js'
import { panelsOf } from './charts.js'
import { isNarrowed, type ReportDay } from './day.js'
import { chartFileName } from './markdown.js'
import { HOUR, iso, MINUTE, round, round2 } from './numbers.js'
import { rankMarket } from './ranking.js'
import {
  DAILY_SCHEMA,
  type DailyCascade,
  type DailyFiles,
  type DailyInput,
  type DailyMarket,
  type DailyOpenInterest,
  type DailyReport,
  type HistoryDay,
  type HourRow,
  type MarketRanking,
} from './types.js'

export interface DailyData {
  day: ReportDay
  params: AnalysisParams
  toolVersion: string
  /** analyzeBars over `analysisWindow(day, params)`. */
  analysis: AnalysisResult
  /** storeSeries over [day.from, day.to) of the same bars: every market, with data in the day or not. */
  series: readonly MarketSeries[]
  inputs: DailyInput[]
  badRows: BadRowsSummary
  suspectPrints: SuspectPrintsSummary
  /** Notes from reading the inputs (empty files, skipped instruments) and from reading the history. */
  warnings: string[]
  history: readonly HistoryDay[]
  /** The first and last event times in the analysed window; null when there was none. */
  dataFrom: number | null
  dataTo: number | null
}

export interface DailyResult {
  report: DailyReport
  /** The day's series of each market in the report, for the charts. */
  series: MarketSeries[]
}

/**
 * What is analysed for a day: the trailing baseline before it (`baselineHours`), the day, and a
 * tail after it long enough for a cascade that starts late in the day to end (`withinMin` for a
 * leg plus `mergeGapMin` for a later leg of the same episode).
 */
export function analysisWindow(
  day: ReportDay,
  params: AnalysisParams,
): { from: number; to: number; tailMs: number } {
  const tailMs = (params.withinMin + params.mergeGapMin) * MINUTE
  return { from: day.from - params.baselineHours * HOUR, to: day.to + tailMs, tailMs }
}

const usd2 = round2
const pct2 = round2
const sum = (values: readonly number[]) => values.reduce((total, x) => total + x, 0)

export function buildDailyReport(data: DailyData): DailyResult {
  const { day, params, analysis } = data
  const window = analysisWindow(day, params)
  const allSeries = data.series
  const series = allSeries.filter((s) => s.first !== null)
  const noDataInDay = series.length === 0
  // On a day without data the analysis' notes are about other days: only the reading notes stay.
  const warnings = [...data.warnings, ...(noDataInDay ? [] : analysis.warnings)]

  for (const s of allSeries) {
    if (s.first === null) warnings.push(`${s.market}: no data inside the day, only before or after it`)
  }
  // Where each market's data ends: a cascade still under way there is cut.
  const dataEnd = new Map(
    analysis.markets.map((m) => [m.market, m.last === null ? Number.NEGATIVE_INFINITY : Date.parse(m.last)]),
  )
  const flagged = (cascade: Cascade): DailyCascade => {
    const end = Date.parse(cascade.end)
    return {
      ...cascade,
      endsAfterDay: end > day.to,
      cutByDataEnd:
        end + MINUTE >= Math.min(window.to, dataEnd.get(cascade.market) ?? Number.POSITIVE_INFINITY),
    }
  }
  const cascades = analysis.cascades
    .filter((cascade) => Date.parse(cascade.start) >= day.from && Date.parse(cascade.start) < day.to)
    .map(flagged)
  const carriedOver = analysis.cascades
    .filter((cascade) => Date.parse(cascade.start) < day.from && Date.parse(cascade.end) >= day.from)
    .map(flagged)
  for (const cascade of cascades) {
    if (cascade.cutByDataEnd) {
      warnings.push(
        `${cascade.market}: the cascade from ${cascade.start} was still under way where the data ends ` +
          `(${cascade.end}); its end and figures are cut there — run the report again with the files that follow`,
      )
    }
  }

  const ofDay = new Set(cascades.map((cascade) => cascade.id))
  const inDay = new Set([...ofDay, ...carriedOver.map((cascade) => cascade.id)])
  const markets = series.map((s) => dailyMarket(s, data, cascades, warnings))
  const narrowed = isNarrowed(day)
  if (data.dataFrom !== null && data.dataFrom >= day.from && markets.length > 0) {
    warnings.push(
      `no data before the day in the inputs: baselines come from the day itself (give the previous day's files ` +
        `for a ${params.baselineHours} h trailing baseline)`,
    )
  }
  const noData = markets.length === 0
  const report: DailyReport = {
    schema: DAILY_SCHEMA,
    tool: { name: 'cascade', version: data.toolVersion },
    date: day.date,
    tz: day.tz,
    day: {
      from: iso(day.whole.from),
      to: iso(day.whole.to),
      hours: round((day.whole.to - day.whole.from) / HOUR, 2),
    },
    span: { from: iso(day.from), to: iso(day.to), hours: round((day.to - day.from) / HOUR, 2), narrowed },
    analysed: {
      from: iso(window.from),
      to: iso(window.to),
      baselineHours: params.baselineHours,
      tailHours: round(window.tailMs / HOUR, 2),
      dataFrom: data.dataFrom === null ? null : iso(data.dataFrom),
      dataTo: data.dataTo === null ? null : iso(data.dataTo),
    },
    status: noData ? 'no-data' : 'ok',
    files: dailyFiles(day.date, series),
    headline: noData
      ? [noDataSentence(data)]
      : headline(markets, cascades, carriedOver).map((sentence) =>
          narrowed ? `${spanWords(day)}: ${sentence}` : sentence,
        ),
    params: { ...params } as unknown as Record<string, unknown>,
    inputs: data.inputs,
    markets,
    cascades,
    carriedOver: noData ? [] : carriedOver,
    episodes: noData ? [] : analysis.episodes.filter((e) => e.cascades.some((id) => inDay.has(id))),
    events: noData ? [] : analysis.events.filter((e) => e.cascades.some((id) => ofDay.has(id))),
    badRows: data.badRows,
    suspectPrints: data.suspectPrints,
    warnings,
  }
  return { report, series }
}

/** The files of the day's report: one chart for each market with something to draw. */
export function dailyFiles(date: string, series: readonly MarketSeries[]): DailyFiles {
  return {
    directory: date,
    json: `${date}.json`,
    markdown: `${date}.md`,
    html: `${date}.html`,
    charts: series
      .filter((s) => Object.values(panelsOf(s)).some(Boolean))
      .map((s) => ({ market: s.market, file: chartFileName(date, s.market) })),
  }
}

/** `12:00–18:00 UTC`: the span of a narrowed day. */
export function spanWords(day: Pick<ReportDay, 'from' | 'to'>): string {
  const to = iso(day.to)
  return `${iso(day.from).slice(11, 16)}–${to.slice(11, 16) === '00:00' ? '24:00' : to.slice(11, 16)} UTC`
}

export function noDataSentence(data: Pick<DailyData, 'day' | 'inputs'>): string {
  const { day } = data
  const zone = `${day.tz === 'UTC' ? 'UTC' : day.tz}${isNarrowed(day) ? `, ${spanWords(day)}` : ''}`
  const spans = data.inputs
    .flatMap((input) => (input.first && input.last ? [input.first, input.last] : []))
    .sort()
  const read =
    spans.length > 0
      ? `; the inputs read span ${spans[0]!.slice(0, 16)} → ${spans[spans.length - 1]!.slice(0, 16)} UTC`
      : ''
  return `No data for ${day.date} (${zone}) in the inputs${read}.`
}

function dailyMarket(
  s: MarketSeries,
  data: DailyData,
  cascades: DailyCascade[],
  warnings: string[],
): DailyMarket {
  const { day } = data
  const summary = data.analysis.markets.find((m) => m.market === s.market)
  const p = s.price
  const open = p ? p.open[0]! : null
  const close = p ? p.close[p.close.length - 1]! : null
  const high = p ? Math.max(...p.high) : null
  const low = p ? Math.min(...p.low) : null
  const liqLong = s.liquidations ? sum(s.liquidations.long) : null
  const liqShort = s.liquidations ? sum(s.liquidations.short) : null
  const own = cascades.filter((cascade) => cascade.market === s.market)
  let largest: number | null = null
  for (const cascade of own) {
    if (largest === null || Math.abs(cascade.price.movePct) > Math.abs(largest))
      largest = cascade.price.movePct
  }
  const changePct = open !== null && close !== null && open > 0 ? ((close - open) / open) * 100 : null
  const rangePct =
    open !== null && high !== null && low !== null && open > 0 ? ((high - low) / open) * 100 : null
  const liquidationsUsd = liqLong !== null && liqShort !== null ? usd2(liqLong + liqShort) : null

  if (p) {
    const dataEnd = p.time[p.time.length - 1]! + p.stepMs
    if (p.time[0]! - day.from >= HOUR || day.to - dataEnd >= HOUR) {
      warnings.push(
        `${s.market}: prices cover only ${iso(Math.max(p.time[0]!, day.from)).slice(0, 16)} → ` +
          `${iso(Math.min(dataEnd, day.to)).slice(0, 16)} UTC of the day; the day's figures are for that span`,
      )
    }
  }
  return {
    market: s.market,
    series: summary?.series ?? [],
    priceSeries: p?.series ?? null,
    first: s.first === null ? null : iso(s.first),
    last: s.last === null ? null : iso(s.last),
    open,
    high,
    low,
    close,
    changePct: pct2(changePct),
    rangePct: pct2(rangePct),
    volumeUsd: s.volume?.usd ? usd2(sum(s.volume.usd)) : null,
    liqLongUsd: usd2(liqLong),
    liqShortUsd: usd2(liqShort),
    openInterest: openInterestChange(s),
    cascades: own.length,
    largestMovePct: largest,
    resolution: summary?.resolution ?? {},
    ranking: isNarrowed(day)
      ? notRanked(day)
      : rankMarket(
          s.market,
          {
            liquidationsUsd,
            rangePct: pct2(rangePct),
            cascadeMovePct: largest === null ? null : Math.abs(largest),
          },
          data.history,
        ),
    hours: hourRows(s, day),
  }
}

/** A report of part of a day is not compared with whole days. */
function notRanked(day: ReportDay): MarketRanking {
  return {
    days: 0,
    firstDay: null,
    lastDay: null,
    liquidationsUsd: null,
    rangePct: null,
    cascadeMovePct: null,
    notes: [
      `not ranked: the report covers ${spanWords(day)} of the day (--from/--to), rankings compare whole days`,
    ],
  }
}

function openInterestChange(s: MarketSeries): DailyOpenInterest | null {
  const oi = s.openInterest
  if (!oi) return null
  // From the level known at the day's start (or the first one in the day) to the last one known.
  const firstKnown = (values: (number | null)[]) => values.find((v) => v !== null) ?? null
  const lastKnown = (values: (number | null)[]) => values.findLast((v) => v !== null) ?? null
  const change = (start: number | null, end: number | null) =>
    start !== null && end !== null && start > 0 ? pct2(((end - start) / start) * 100) : null
  const startUsd = firstKnown(oi.usd)
  const endUsd = lastKnown(oi.usd)
  const startBase = firstKnown(oi.base)
  const endBase = lastKnown(oi.base)
  if (startUsd === null && endUsd === null && startBase === null && endBase === null) return null
  return {
    startUsd: usd2(startUsd),
    endUsd: usd2(endUsd),
    changeUsd: startUsd !== null && endUsd !== null ? usd2(endUsd - startUsd) : null,
    changePct: change(startUsd, endUsd),
    startBase: startBase === null ? null : round(startBase, 8),
    endBase: endBase === null ? null : round(endBase, 8),
    changeBasePct: change(startBase, endBase),
  }
}

function hourRows(s: MarketSeries, day: ReportDay): HourRow[] {
  const rows: HourRow[] = []
  // The whole day's hours, clipped to the span reported.
  const first = Math.floor((day.from - day.whole.from) / HOUR)
  const hours = Math.ceil((day.to - day.whole.from) / HOUR)
  const p = s.price
  const v = s.volume
  const l = s.liquidations
  const oi = s.openInterest
  let pi = 0
  let vi = 0
  let li = 0
  let oj = 0
  for (let h = first; h < hours; h++) {
    const from = Math.max(day.from, day.whole.from + h * HOUR)
    const to = Math.min(day.to, day.whole.from + (h + 1) * HOUR)
    const row: HourRow = {
      start: iso(from),
      open: null,
      high: null,
      low: null,
      close: null,
      volumeUsd: null,
      liqLongUsd: null,
      liqShortUsd: null,
      oiUsd: null,
    }
    if (p) {
      while (pi < p.time.length && p.time[pi]! < to) {
        if (p.time[pi]! >= from) {
          if (row.open === null) row.open = p.open[pi]!
          row.high = row.high === null ? p.high[pi]! : Math.max(row.high, p.high[pi]!)
          row.low = row.low === null ? p.low[pi]! : Math.min(row.low, p.low[pi]!)
          row.close = p.close[pi]!
        }
        pi++
      }
    }
    if (v?.usd) {
      let total: number | null = null
      while (vi < v.time.length && v.time[vi]! < to) {
        if (v.time[vi]! >= from) total = (total ?? 0) + v.usd[vi]!
        vi++
      }
      row.volumeUsd = usd2(total)
    }
    if (l) {
      let long: number | null = null
      let short: number | null = null
      while (li < l.time.length && l.time[li]! < to) {
        if (l.time[li]! >= from) {
          long = (long ?? 0) + l.long[li]!
          short = (short ?? 0) + l.short[li]!
        }
        li++
      }
      row.liqLongUsd = usd2(long)
      row.liqShortUsd = usd2(short)
    }
    if (oi) {
      // The level known at the end of the hour: the last instant at or before it.
      while (oj + 1 < oi.time.length && oi.time[oj + 1]! <= to) oj++
      if (oi.time[oj]! <= to && oi.time[oj]! > from) row.oiUsd = usd2(oi.usd[oj] ?? null)
    }
    rows.push(row)
  }
  return rows
}

function headline(
  markets: readonly DailyMarket[],
  cascades: readonly DailyCascade[],
  carriedOver: readonly DailyCascade[],
): string[] {
  return markets.map((m) => {
    const parts: string[] = []
    const move = m.changePct === null ? '' : `${m.changePct < 0 ? 'fell' : 'rose'} ${pct(m.changePct, false)}`
    parts.push(
      `${m.market} ${move || 'traded'}${m.open !== null ? ` (${price(m.open)} → ${price(m.close)})` : ''}` +
        `${m.rangePct !== null ? `, range ${pct(m.rangePct, false)}` : ''}`,
    )
    for (const x of carriedOver.filter((cascade) => cascade.market === m.market)) {
      parts.push(
        `the ${x.direction} cascade from ${x.start.slice(0, 10)} ${x.start.slice(11, 16)} UTC (${pct(x.price.movePct)}) ` +
          `reached its ${x.direction === 'down' ? 'low' : 'high'} ${price(x.price.extreme)} at ${x.extreme.slice(11, 16)} UTC`,
      )
    }
    const own = cascades.filter((cascade) => cascade.market === m.market)
    if (own.length === 0) parts.push('no cascade')
    else {
      const list = own.map(
        (x) =>
          `${x.direction} ${pct(x.price.movePct)} ${x.start.slice(11, 16)}–${x.extreme.slice(11, 16)} UTC ` +
          `in ${duration(x.speed.timeToExtremeSec)}`,
      )
      parts.push(`${own.length} cascade${own.length === 1 ? '' : 's'}: ${list.join(', ')}`)
    }
    if (m.liqLongUsd !== null && m.liqShortUsd !== null) {
      const total = m.liqLongUsd + m.liqShortUsd
      const longShare = total > 0 ? ` (${Math.round((m.liqLongUsd / total) * 100)} % longs)` : ''
      parts.push(`liquidations ${usd(total)}${longShare}`)
    }
    if (m.openInterest?.changePct != null) parts.push(`open interest ${pct(m.openInterest.changePct)}`)
    const superlatives = [m.ranking.liquidationsUsd, m.ranking.rangePct, m.ranking.cascadeMovePct]
    const names = ['liquidations', 'price range', 'cascade move']
    const best = superlatives
      .map((r, i) =>
        r?.record
          ? `the largest ${names[i]} in the reports`
          : r?.largestSince
            ? `the largest ${names[i]} since ${r.largestSince}`
            : '',
      )
      .filter(Boolean)
    return `${parts.join('; ')}${best.length > 0 ? `; ${best.join(', ')}` : ''}.`
  })
}
