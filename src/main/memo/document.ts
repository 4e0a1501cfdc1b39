import type { RunAudit } from '../../shared/contract'
import { MEMO_FIELD_IDS, type MemoFacts } from '../../shared/contract/memo'
import { formatFact } from '../../shared/contract/memo-sections'
import type { MemoChart } from './charts'

/** Everything an exported memo shows; rendering it reads nothing else (no clock, no store). */
export interface MemoDocument {
  facts: MemoFacts
  /** Every memo field and committee section, '' where nothing was written. */
  narrative: Record<string, string>
  verification: RunAudit
  charts: MemoChart[]
}

export function completeNarrative(fields: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(MEMO_FIELD_IDS.map((id) => [id, fields[id] ?? '']))
}

/** The memo's date: when the run finished (never when the memo was exported). */
export function memoDate(facts: MemoFacts): string {
  return facts.run.finishedAt ?? facts.run.createdAt
}

export function memoTitle(facts: MemoFacts): string {
  return `Run #${facts.run.id} — ${facts.run.labTitle} (${facts.run.lab}, ${facts.run.preset}, seed ${facts.run.seed})`
}

export function chainLine(audit: RunAudit): string {
  const c = audit.chain
  if (c.status === 'intact') return `hash chain intact: ${formatFact(c.verified)} links verified to head ${c.head ?? '—'}`
  if (c.status === 'unchained') return 'unchained: the run was written before decision logs were hash-chained'
  return `hash chain BROKEN at ${c.firstBreak?.kind ?? '?'} ${c.firstBreak?.index ?? '?'} (${c.firstBreak?.problem ?? '?'}): ${c.firstBreak?.detail ?? ''}`
}

/** What the memo assumes, stated once for both renderers. */
export function assumptions(facts: MemoFacts): string[] {
  return [
    'Every number is computed from the stored run: its results, its decision log (summed step by step in order) and its constraint events; the narrative is the reviewer’s.',
    'P&L and costs are in the lab’s ledger units (a return on equity per step for compounding labs, currency for additive ones); sums over steps are taken in that unit.',
    `Preset ${facts.run.preset}${facts.corrections.length ? ` with corrections ${facts.corrections.map((c) => c.id).join(', ')}` : ''}; one seed (${facts.run.seed}). A single run is not evidence: seed ensembles belong in a sweep.`,
    facts.stress.method,
    facts.surface
      ? `Surface features are recomputed from the run’s spec (the market simulated again from its seed) and averaged over ${formatFact(facts.surface.frames)} frames.`
      : 'No surface was recomputed for this memo.',
    'Charts are drawn from the stored series, reduced to the minimum and maximum of each pixel column.',
    'The memo is dated by the run’s finish time; exporting the same run with the same narrative gives the same bytes.'
  ]
}
