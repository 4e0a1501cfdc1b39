import type { IChartApiBase, ISeriesApi, LogicalRange, MouseEventParams, SeriesType } from 'lightweight-charts'

/** One chart of a group: the series the crosshair sits on and its value at a grid index. */
export interface GroupMember {
  chart: IChartApiBase<number>
  series: ISeriesApi<SeriesType, number>
  valueAt(index: number): number | null
}

/** Index of the grid point nearest to step t (the grid is strictly increasing). */
export function nearestIndex(grid: ArrayLike<number>, t: number): number {
  const n = grid.length
  if (n === 0) return -1
  let lo = 0
  let hi = n - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (grid[mid]! < t) lo = mid + 1
    else hi = mid
  }
  if (lo > 0 && Math.abs(grid[lo - 1]! - t) <= Math.abs(grid[lo]! - t)) return lo - 1
  return lo
}

/** Index of the last grid point at or before step t (-1 when t precedes the grid). */
export function floorIndex(grid: ArrayLike<number>, t: number): number {
  let lo = 0
  let hi = grid.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (grid[mid]! <= t) lo = mid + 1
    else hi = mid
  }
  return lo - 1
}

/**
 * Charts sharing one step axis: the crosshair and the visible range follow whichever chart
 * the pointer is on. Every member plots on the same time grid (see series-conflation), so one
 * logical range means the same steps in each.
 */
export class ChartGroup {
  private readonly members = new Set<GroupMember>()
  private readonly hoverListeners = new Set<(index: number | null) => void>()
  private grid: ArrayLike<number> = []
  private syncing = false
  private userRange = false

  setGrid(grid: ArrayLike<number>): void {
    this.grid = grid
  }

  /** Whether the user has zoomed or scrolled (a streaming run then stops re-fitting). */
  get zoomed(): boolean {
    return this.userRange
  }

  add(member: GroupMember): () => void {
    this.members.add(member)
    const onMove = (param: MouseEventParams<number>): void => {
      // Only a real pointer moves the others (setCrosshairPosition also reports a move).
      if (this.syncing || !param.sourceEvent) return
      this.follow(member, param.time === undefined ? null : nearestIndex(this.grid, param.time))
    }
    const onLeave = (): void => this.follow(member, null)
    const onRange = (range: LogicalRange | null): void => {
      if (this.syncing || !range) return
      this.syncing = true
      try {
        for (const other of this.members) {
          if (other === member) continue
          const current = other.chart.timeScale().getVisibleLogicalRange()
          if (current && Math.abs(current.from - range.from) < 1e-6 && Math.abs(current.to - range.to) < 1e-6) continue
          other.chart.timeScale().setVisibleLogicalRange(range)
        }
      } finally {
        this.syncing = false
      }
    }
    const onUserInput = (): void => {
      this.userRange = true
    }
    const element = member.chart.chartElement()
    element.addEventListener('wheel', onUserInput, { passive: true })
    element.addEventListener('pointerdown', onUserInput)
    element.addEventListener('mouseleave', onLeave)
    member.chart.subscribeCrosshairMove(onMove)
    member.chart.timeScale().subscribeVisibleLogicalRangeChange(onRange)
    return () => {
      element.removeEventListener('wheel', onUserInput)
      element.removeEventListener('pointerdown', onUserInput)
      element.removeEventListener('mouseleave', onLeave)
      member.chart.unsubscribeCrosshairMove(onMove)
      member.chart.timeScale().unsubscribeVisibleLogicalRangeChange(onRange)
      this.members.delete(member)
    }
  }

  private follow(source: GroupMember, index: number | null): void {
    const at = index !== null && index >= 0 ? index : null
    this.syncing = true
    try {
      for (const other of this.members) {
        if (other === source) continue
        if (at === null) other.chart.clearCrosshairPosition()
        else other.chart.setCrosshairPosition(other.valueAt(at) ?? 0, this.grid[at]!, other.series)
      }
    } finally {
      this.syncing = false
    }
    for (const listener of this.hoverListeners) listener(at)
  }

  /** Legends listen to the hovered grid index (null when the pointer left). */
  onHover(listener: (index: number | null) => void): () => void {
    this.hoverListeners.add(listener)
    return () => this.hoverListeners.delete(listener)
  }

  /** Puts every chart's crosshair on step t and scrolls t into view (a decision-log jump). */
  showTime(t: number): number {
    const index = nearestIndex(this.grid, t)
    if (index < 0) return index
    const time = this.grid[index]!
    this.syncing = true
    try {
      for (const member of this.members) {
        member.chart.setCrosshairPosition(member.valueAt(index) ?? 0, time, member.series)
        const range = member.chart.timeScale().getVisibleLogicalRange()
        if (range && (index < range.from || index > range.to)) {
          const half = (range.to - range.from) / 2
          member.chart.timeScale().setVisibleLogicalRange({ from: index - half, to: index + half })
        }
      }
    } finally {
      this.syncing = false
    }
    for (const listener of this.hoverListeners) listener(index)
    return index
  }

  /** Shows every point again and forgets the user's zoom. */
  resetZoom(): void {
    this.userRange = false
    this.syncing = true
    try {
      for (const member of this.members) member.chart.timeScale().fitContent()
    } finally {
      this.syncing = false
    }
  }

  /** While a run streams in: keep everything in view unless the user zoomed. */
  followContent(): void {
    if (!this.userRange) this.resetZoom()
  }
}
