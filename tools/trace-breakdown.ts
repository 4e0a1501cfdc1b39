// Where a page's frames went, from a Chromium performance trace (the Trace Event Format that
// the CDP Tracing domain reports): the renderer main thread's time split into scripting,
// style, layout, paint, GC and other, as self time (a Layout forced inside a FunctionCall
// counts as layout, not twice), summed over chosen windows such as the long frames of a bench.
// The category names follow the DevTools Performance panel's summary.

export interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  pid: number
  tid: number
  cat?: string
  args?: Record<string, unknown>
}

export const CATEGORIES = ['scripting', 'style', 'layout', 'paint', 'gc', 'other'] as const
export type Category = (typeof CATEGORIES)[number]

const BY_NAME: Record<string, Category> = {
  FunctionCall: 'scripting',
  EvaluateScript: 'scripting',
  EventDispatch: 'scripting',
  TimerFire: 'scripting',
  FireAnimationFrame: 'scripting',
  FireIdleCallback: 'scripting',
  RunMicrotasks: 'scripting',
  'v8.run': 'scripting',
  'v8.compile': 'scripting',
  'v8.compileModule': 'scripting',
  'v8.evaluateModule': 'scripting',
  'V8.Execute': 'scripting',
  'v8.callFunction': 'scripting',
  HandlePostMessage: 'scripting',
  ResizeObserverController: 'scripting',
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  ComputeIntersections: 'layout',
  Paint: 'paint',
  PrePaint: 'paint',
  PaintImage: 'paint',
  UpdateLayer: 'paint',
  UpdateLayerTree: 'paint',
  Layerize: 'paint',
  CompositeLayers: 'paint',
  Commit: 'paint',
  RasterTask: 'paint',
  'Decode Image': 'paint'
}

/** The category an event's own name puts it in; null when it takes its parent's (V8 internals, scaffolding). */
export function categoryOf(name: string): Category | null {
  const known = BY_NAME[name]
  if (known) return known
  if (/GC|Sweep|Mark(ing)?\b|Scavenge/.test(name)) return 'gc'
  return null
}

/** Process and thread of the busiest renderer main thread (the page under test). */
export function mainThreadOf(events: readonly TraceEvent[]): { pid: number; tid: number } | null {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && (e.args as { name?: string } | undefined)?.name === 'CrRendererMain')
  let best: { pid: number; tid: number } | null = null
  let bestCount = -1
  for (const m of mains) {
    const count = events.reduce((n, e) => n + (e.pid === m.pid && e.tid === m.tid && e.ph === 'X' ? 1 : 0), 0)
    if (count > bestCount) {
      best = { pid: m.pid, tid: m.tid }
      bestCount = count
    }
  }
  return best
}

/** A stretch of one thread's time owned (as self time) by one event; µs, in trace time. */
export interface Segment {
  start: number
  end: number
  category: Category
  name: string
}

interface Node {
  event: TraceEvent
  end: number
  category: Category
  children: Node[]
}

/**
 * The thread's busy time as non-overlapping segments, each owned by the innermost event
 * running then. An event whose name has no category takes its parent's ("other" at the top).
 */
export function busySegments(events: readonly TraceEvent[], pid: number, tid: number): Segment[] {
  const own = events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const roots: Node[] = []
  const stack: Node[] = []
  for (const event of own) {
    const end = event.ts + event.dur!
    while (stack.length > 0 && stack[stack.length - 1]!.end <= event.ts) stack.pop()
    const parent = stack[stack.length - 1]
    // A child that outlives its parent (clock rounding) is clipped to it.
    const node: Node = { event, end: parent ? Math.min(end, parent.end) : end, category: categoryOf(event.name) ?? parent?.category ?? 'other', children: [] }
    if (parent) parent.children.push(node)
    else roots.push(node)
    stack.push(node)
  }
  const out: Segment[] = []
  const emit = (start: number, end: number, node: Node): void => {
    if (end > start) out.push({ start, end, category: node.category, name: node.event.name })
  }
  const walk = (node: Node): void => {
    let cursor = node.event.ts
    for (const child of node.children) {
      emit(cursor, child.event.ts, node)
      walk(child)
      cursor = Math.max(cursor, child.end)
    }
    emit(cursor, node.end, node)
  }
  roots.forEach(walk)
  return out
}

export interface Breakdown {
  /** Total length of the windows (ms). */
  windowMs: number
  /** Main-thread self time per category inside the windows (ms). */
  byCategory: Record<Category, number>
  /** Main-thread self time per event name inside the windows (ms), largest first. */
  byName: Array<[string, number]>
}

/** Sums the segments' time falling inside the windows ([start, end] in µs, sorted, non-overlapping). */
export function breakdown(segments: readonly Segment[], windows: ReadonlyArray<readonly [number, number]>): Breakdown {
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>
  const byName = new Map<string, number>()
  let windowUs = 0
  let s = 0
  for (const [from, to] of windows) {
    windowUs += to - from
    while (s < segments.length && segments[s]!.end <= from) s++
    for (let i = s; i < segments.length && segments[i]!.start < to; i++) {
      const segment = segments[i]!
      const overlap = Math.min(to, segment.end) - Math.max(from, segment.start)
      if (overlap <= 0) continue
      byCategory[segment.category] += overlap / 1000
      byName.set(segment.name, (byName.get(segment.name) ?? 0) + overlap / 1000)
    }
  }
  return { windowMs: windowUs / 1000, byCategory, byName: [...byName].sort((a, b) => b[1] - a[1]) }
}

/** Time of the `console.timeStamp(label)` that marked the page's clock in the trace (µs), or null. */
export function timeStampOf(events: readonly TraceEvent[], label: string): number | null {
  const found = events.find((e) => e.name === 'TimeStamp' && (e.args as { data?: { message?: string } } | undefined)?.data?.message === label)
  return found ? found.ts : null
}
