/**
 * The `cascade.report/2` document (DESIGN §6): the analysis result with what the inputs were and
 * what could not be read. The CLI only gathers the ingestion facts and calls this.
 */
import type { AnalysisResult } from './analyze.js'
import {
  type BadRowsSummary,
  type InputSummary,
  REPORT_SCHEMA,
  type Report,
  type SkippedFileSummary,
  type SuspectPrintsSummary,
} from './report-types.js'

export interface ReportContext {
  version: string
  inputs: InputSummary[]
  skippedFiles: SkippedFileSummary[]
  suspectPrints: SuspectPrintsSummary
  badRows: BadRowsSummary
  /** Warnings of the reading stage (skipped instruments, capped feeds…), before the analysis's own. */
  warnings: string[]
}

export function buildReport(result: AnalysisResult, context: ReportContext): Report {
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'cascade', version: context.version },
    params: result.params as unknown as Record<string, unknown>,
    inputs: context.inputs,
    skippedFiles: context.skippedFiles,
    markets: result.markets,
    cascades: result.cascades,
    episodes: result.episodes,
    events: result.events,
    badRows: context.badRows,
    suspectPrints: context.suspectPrints,
    warnings: [...context.warnings, ...result.warnings],
  }
}
