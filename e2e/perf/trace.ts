import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { breakdown, busySegments, CATEGORIES, mainThreadOf, timeStampOf, type Breakdown, type TraceEvent } from '../../tools/trace-breakdown'
import { root } from '../support/host'
import { P95_BUDGET_MS } from './frames'

// Chromium's performance trace around a bench scenario (CDP Tracing through playwright-core),
// and where its long frames went on the renderer main thread.

const CATEGORIES_TRACED = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'toplevel', 'v8', 'blink.user_timing']
/** The page calls console.timeStamp(SYNC_LABEL) once before its frames, so they can be placed in the trace. */
export const SYNC_LABEL = 'mechanica-bench-sync'

export interface TracedFrames {
  /** rAF timestamps (page clock, ms) of the frames measured. */
  frameTimes: number[]
  /** performance.now() in the page when console.timeStamp(SYNC_LABEL) ran. */
  syncMs: number
}

export interface FrameTrace {
  frames: number
  /** Frames longer than one frame budget, and the main thread's time inside them. */
  longFrames: number
  long: Breakdown
  /** The same over every frame of the scenario. */
  all: Breakdown
  /** The trace file (test-results/), for DevTools' Performance panel. */
  file: string
}

/**
 * Runs `measure` under a trace. `measure` must call console.timeStamp(SYNC_LABEL) in the page
 * and return performance.now() at that call and the rAF timestamps it saw.
 */
export async function traceFrames(page: Page, name: string, measure: () => Promise<TracedFrames>): Promise<FrameTrace> {
  const cdp = await page.context().newCDPSession(page)
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', (data) => {
    for (const e of data.value) events.push(e as unknown as TraceEvent)
  })
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES_TRACED, recordMode: 'recordAsMuchAsPossible' } })
  let measured: TracedFrames
  try {
    measured = await measure()
  } finally {
    const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()))
    await cdp.send('Tracing.end')
    await complete
    await cdp.detach()
  }
  mkdirSync(join(root, 'test-results'), { recursive: true })
  const file = join(root, 'test-results', `trace-${name}.json`)
  writeFileSync(file, JSON.stringify({ traceEvents: events }))
  const main = mainThreadOf(events)
  const sync = timeStampOf(events, SYNC_LABEL)
  if (!main || sync === null) throw new Error(`the ${name} trace has no renderer main thread or no clock marker (${events.length} events)`)
  // Trace time (µs) of a page timestamp (ms).
  const toTrace = (ms: number): number => sync + (ms - measured.syncMs) * 1000
  const windows: Array<[number, number]> = []
  const longWindows: Array<[number, number]> = []
  for (let i = 1; i < measured.frameTimes.length; i++) {
    const window: [number, number] = [toTrace(measured.frameTimes[i - 1]!), toTrace(measured.frameTimes[i]!)]
    windows.push(window)
    if (measured.frameTimes[i]! - measured.frameTimes[i - 1]! > P95_BUDGET_MS) longWindows.push(window)
  }
  const segments = busySegments(events, main.pid, main.tid)
  return { frames: windows.length, longFrames: longWindows.length, long: breakdown(segments, longWindows), all: breakdown(segments, windows), file }
}

/** "scripting 8.1 · style 1.0 · …" per frame of the breakdown, then its five largest event names. */
export function formatTrace(name: string, trace: FrameTrace): string {
  const perFrame = (b: Breakdown, frames: number): string => {
    const busy = CATEGORIES.reduce((s, c) => s + b.byCategory[c], 0)
    const parts = CATEGORIES.map((c) => `${c} ${(b.byCategory[c] / Math.max(1, frames)).toFixed(1)}`)
    return `${parts.join(' · ')} · idle ${((b.windowMs - busy) / Math.max(1, frames)).toFixed(1)} ms`
  }
  const top = trace.long.byName.slice(0, 6).map(([n, ms]) => `${n} ${(ms / Math.max(1, trace.longFrames)).toFixed(1)}`).join(', ')
  return [
    `  trace ${name}: main thread per frame (all ${trace.frames}): ${perFrame(trace.all, trace.frames)}`,
    `  trace ${name}: main thread per long frame (${trace.longFrames} over ${P95_BUDGET_MS} ms): ${perFrame(trace.long, trace.longFrames)}`,
    `    largest in long frames (ms per long frame): ${top || '—'}`,
    `    (trace: ${trace.file})`
  ].join('\n')
}
