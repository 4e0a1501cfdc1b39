import type { StepConstraintEvent, StepFilter, StepLogNames, StepsPage } from '../../../../shared/contract'

/** Rows per `runs.steps` call: a screenful or two, so a page arrives within a frame or two. */
export const PAGE_ROWS = 100
/** Pages kept on either side of the viewport, fetched ahead of the scroll. */
export const PREFETCH_PAGES = 2
/** Pages kept in memory; the rest are dropped least recently used first. */
export const MAX_PAGES = 60

/** One row of a page, read straight off its columns (nothing is copied per row). */
export interface LogRow {
  index: number
  t: number
  regime: string
  regimeCode: number
  action: string
  source: string
  rationale: string
  position: Float64Array
  cost: number
  costs: Array<[string, number]>
  pnl: Array<[string, number]>
  netPnl: number
  equity: number
  drawdown: number
  leverage: number
  events: StepConstraintEvent[]
}

/** A stable key for a (run, filter) view: pages of one never serve another. */
export function viewKey(runId: number, filter: StepFilter): string {
  const sorted = (xs: string[] | undefined) => (xs && xs.length ? [...xs].sort() : undefined)
  return JSON.stringify([runId, sorted(filter.actions), sorted(filter.regimes), sorted(filter.sources), !!filter.constraintHit, filter.text?.trim().toLowerCase() ?? ''])
}

/** The pages that cover rows [first, last] plus the prefetch margin, nearest the viewport first. */
export function pagesToFetch(first: number, last: number, total: number, have: (page: number) => boolean): number[] {
  if (total <= 0 || last < first) return []
  const lastPage = Math.floor((total - 1) / PAGE_ROWS)
  const from = Math.max(0, Math.floor(first / PAGE_ROWS) - PREFETCH_PAGES)
  const to = Math.min(lastPage, Math.floor(Math.min(last, total - 1) / PAGE_ROWS) + PREFETCH_PAGES)
  const visibleFrom = Math.floor(first / PAGE_ROWS)
  const visibleTo = Math.floor(last / PAGE_ROWS)
  const wanted: number[] = []
  for (let p = from; p <= to; p++) if (!have(p)) wanted.push(p)
  // Visible pages first, then the margins.
  return wanted.sort((a, b) => Number(a < visibleFrom || a > visibleTo) - Number(b < visibleFrom || b > visibleTo) || a - b)
}

/** Pages of one (run, filter) view, least recently used dropped past MAX_PAGES. */
export class PageStore {
  private readonly pages = new Map<number, { page: StepsPage; events: Map<number, StepConstraintEvent[]> }>()

  has(page: number): boolean {
    return this.pages.has(page)
  }

  put(page: number, data: StepsPage): void {
    const events = new Map<number, StepConstraintEvent[]>()
    for (const e of data.events) {
      const list = events.get(e.t)
      if (list) list.push(e)
      else events.set(e.t, [e])
    }
    this.pages.delete(page)
    this.pages.set(page, { page: data, events })
    while (this.pages.size > MAX_PAGES) this.pages.delete(this.pages.keys().next().value!)
  }

  /** Marks pages in use so the LRU keeps them. */
  touch(pages: number[]): void {
    for (const p of pages) {
      const entry = this.pages.get(p)
      if (entry) {
        this.pages.delete(p)
        this.pages.set(p, entry)
      }
    }
  }

  row(index: number): LogRow | null {
    const entry = this.pages.get(Math.floor(index / PAGE_ROWS))
    if (!entry) return null
    const { page, events } = entry
    const r = index - page.offset
    const rows = page.rows
    if (r < 0 || r >= rows.t.length) return null
    const names: StepLogNames = page.names
    const legs = names.legs.length
    const t = rows.t[r]!
    const regimeCode = rows.regime[r]!
    return {
      index,
      t,
      regime: names.regimes[regimeCode] ?? String(regimeCode),
      regimeCode,
      action: names.actions[rows.action[r]!] ?? String(rows.action[r]),
      source: names.sources[rows.source[r]!] ?? String(rows.source[r]),
      rationale: rows.rationale[r] ?? '',
      position: rows.position.subarray(r * legs, (r + 1) * legs),
      cost: rows.cost[r]!,
      costs: names.costComponents.map((c) => [c, rows.costs[c]?.[r] ?? NaN]),
      pnl: names.pnlComponents.map((c) => [c, rows.pnl[c]?.[r] ?? NaN]),
      netPnl: rows.netPnl[r]!,
      equity: rows.equity[r]!,
      drawdown: rows.drawdown[r]!,
      leverage: rows.leverage[r]!,
      events: events.get(t) ?? []
    }
  }
}
