import type { NetExposure } from '../../shared/contract'
import type { LedgerMode } from '../engine/kernel'
import type { RunsRepository } from '../store/runs-repository'
import { PodInputError, readPodExposure } from './pods'

/**
 * What the exposure limits and the net-exposure summary read of each pod's own book, per step of
 * the portfolio's return calendar (the book held over return k is the one at step k): its gross
 * leverage, its signed net exposure, and whether that net is a fraction of the pod's equity.
 * It is where the pod's lab keeps a compound ledger (P&L a return on equity, positions
 * fractions of it); an additive ledger's positions are lots or notional, so a net summed across
 * pods is only defined when every pod compounds.
 */
export interface PodBook {
  runId: number
  lab: string
  ledger: LedgerMode
  /** The unit of `net`: a fraction of the pod's equity, or the lab's own position unit. */
  unit: 'fraction of equity' | 'lab units'
  leverage: Float64Array
  net: Float64Array
}

/**
 * The pod's ledger mode, as its lab declares it for the run's config. The labs' code (about
 * 1 MB) loads here, on the first portfolio read, not with the module: the browser host imports
 * this on its start path through the portfolio service.
 */
export async function ledgerOf(repo: RunsRepository, runId: number): Promise<LedgerMode> {
  const spec = repo.get(runId)?.spec
  if (!spec || spec.task !== 'lab') throw new PodInputError(`run #${runId} is not a lab run`)
  const { planLab } = await import('../labs/execute')
  const plan = planLab(spec)
  return plan.lab.ledger(plan.config as never).mode
}

/** Each pod's book over returns 0…T − 1 (steps 0…T − 1 of its decision log); the first bad pod refuses, in order. */
export async function readPodBooks(repo: RunsRepository, pods: ReadonlyArray<{ runId: number; lab: string }>, T: number): Promise<PodBook[]> {
  const books: PodBook[] = []
  for (const { runId, lab } of pods) {
    const e = readPodExposure(repo, runId)
    if (e.gross.length < T) throw new PodInputError(`run #${runId}'s decision log has ${e.gross.length} steps of positions; the portfolio needs ${T}`)
    const ledger = await ledgerOf(repo, runId)
    books.push({ runId, lab, ledger, unit: ledger === 'compound' ? 'fraction of equity' : 'lab units', leverage: e.gross.slice(0, T), net: e.net.slice(0, T) })
  }
  return books
}

/** The pods whose positions are not a fraction of equity, named, or null when every pod compounds. */
function additivePods(books: readonly PodBook[]): string | null {
  const other = books.filter((b) => b.ledger !== 'compound')
  if (other.length === 0) return null
  return `${other.map((b) => `#${b.runId} (${b.lab})`).join(', ')} ${other.length === 1 ? 'keeps' : 'keep'} an additive ledger, positions in lots or notional, not a fraction of equity`
}

/** Why the pods' nets cannot be summed, or null when they can (every pod compounds). */
export function netIncomparable(books: readonly PodBook[]): string | null {
  const why = additivePods(books)
  return why && `no total net: ${why}`
}

/** Why the pods' gross leverages cannot be summed against a threshold in equity, or null when they can. */
export function grossIncomparable(books: readonly PodBook[]): string | null {
  const why = additivePods(books)
  return why && `no gross: ${why}`
}

/** Which pods the single-position limit leaves out (it reads only pods in fraction of equity), or null when it reads them all. */
export function positionUnmeasured(books: readonly PodBook[]): string | null {
  const why = additivePods(books)
  if (!why) return null
  return books.some((b) => b.ledger === 'compound') ? `compound pods only: ${why}` : `no pod in fraction of equity: ${why}`
}

/**
 * The book summary's net exposure: each pod's own net (last step, range) and, for pods in
 * fraction of equity, its share of the book at the last step × that net; the book's total per
 * step Σᵢ shareᵢ(t)·netᵢ(t) only when every pod is in fraction of equity.
 */
export function netExposure(books: readonly PodBook[], share: readonly Float64Array[]): NetExposure {
  const T = share[0]?.length ?? 0
  const last = T - 1
  const note = netIncomparable(books)
  const pods = books.map((b, i) => {
    let min = Infinity
    let max = -Infinity
    for (let t = 0; t < T; t++) {
      min = Math.min(min, b.net[t]!)
      max = Math.max(max, b.net[t]!)
    }
    return { runId: b.runId, lab: b.lab, ledger: b.ledger, unit: b.unit, last: b.net[last]!, min, max, inBook: b.ledger === 'compound' ? share[i]![last]! * b.net[last]! : null }
  })
  if (note !== null || T === 0) return { pods, total: null, worst: null, note }
  let worst = { value: 0, at: 0 }
  let total = 0
  for (let t = 0; t < T; t++) {
    let n = 0
    for (let i = 0; i < books.length; i++) n += share[i]![t]! * books[i]!.net[t]!
    if (Math.abs(n) > Math.abs(worst.value)) worst = { value: n, at: t }
    if (t === last) total = n
  }
  return { pods, total, worst, note: null }
}
