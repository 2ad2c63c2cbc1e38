/** Suspect prints as ingest applies them: the rule from the options, and the counts they move. */
import type { Located } from '../timeline/event.js'
import { DEFAULT_SUSPECT_RULE, type SuspectRule, withoutSuspectPrints } from '../timeline/suspect.js'
import type { InputStats, Ledger } from './ledger.js'

/** The rule of `--suspect-jump PCT`; null for `--keep-suspect-prints`. */
export function suspectRuleOf(jumpPct: number | null | undefined): SuspectRule | null {
  if (jumpPct === null) return null
  return jumpPct === undefined ? DEFAULT_SUSPECT_RULE : { ...DEFAULT_SUSPECT_RULE, jump: jumpPct / 100 }
}

/** An input's events without its suspect prints, each moved in its counts from events to suspect. */
export function judged(
  events: AsyncIterable<Located[]>,
  rule: SuspectRule,
  ledger: Ledger,
  stats: InputStats,
): AsyncIterable<Located[]> {
  return withoutSuspectPrints(events, rule, ({ event, message }) => {
    stats.events--
    ledger.suspect(stats, event.line, message)
  })
}
