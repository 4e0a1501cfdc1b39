import { describe, expect, it } from 'vitest'
import { breakdown, busySegments, categoryOf, mainThreadOf, timeStampOf, type TraceEvent } from './trace-breakdown'

const x = (name: string, ts: number, dur: number, tid = 1): TraceEvent => ({ name, ph: 'X', ts, dur, pid: 7, tid })

describe('trace breakdown', () => {
  it('counts a layout forced inside a script as layout, and the script only for the rest', () => {
    // RunTask 0–100 µs › FunctionCall 10–90 › (V8 internal 20–30, Layout 40–70 › UpdateLayoutTree 40–50)
    const events = [x('RunTask', 0, 100), x('FunctionCall', 10, 80), x('v8.someInternal', 20, 10), x('Layout', 40, 30), x('UpdateLayoutTree', 40, 10)]
    const result = breakdown(busySegments(events, 7, 1), [[0, 100]])
    expect(result.windowMs).toBeCloseTo(0.1)
    expect(result.byCategory.scripting).toBeCloseTo(0.05, 6) // 10–40 and 70–90 (the V8 internal inherits "scripting")
    expect(result.byCategory.layout).toBeCloseTo(0.02, 6)
    expect(result.byCategory.style).toBeCloseTo(0.01, 6)
    expect(result.byCategory.other).toBeCloseTo(0.02, 6) // RunTask's own 0–10 and 90–100
    expect(result.byName[0]).toEqual(['FunctionCall', expect.closeTo(0.04, 6)])
  })

  it('clips segments to the windows and skips the time between them', () => {
    const segments = busySegments([x('Paint', 0, 1000), x('FunctionCall', 2000, 1000)], 7, 1)
    const result = breakdown(segments, [
      [500, 800],
      [2900, 4000]
    ])
    expect(result.windowMs).toBeCloseTo(1.4)
    expect(result.byCategory.paint).toBeCloseTo(0.3)
    expect(result.byCategory.scripting).toBeCloseTo(0.1)
  })

  it('clips a child that outlives its parent, so time is never counted twice', () => {
    const segments = busySegments([x('FunctionCall', 0, 100), x('Layout', 80, 40)], 7, 1)
    const total = segments.reduce((s, seg) => s + seg.end - seg.start, 0)
    expect(total).toBe(100)
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.start).toBeGreaterThanOrEqual(segments[i - 1]!.end)
  })

  it('names GC phases gc and leaves unknown names to their parent', () => {
    expect(categoryOf('MinorGC')).toBe('gc')
    expect(categoryOf('V8.GC_SCAVENGER')).toBe('gc')
    expect(categoryOf('ThreadControllerImpl::RunTask')).toBeNull()
  })

  it('picks the busiest renderer main thread and finds the clock marker', () => {
    const meta = (pid: number, tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', ts: 0, pid, tid, args: { name } })
    const events: TraceEvent[] = [
      meta(1, 1, 'CrRendererMain'),
      meta(2, 5, 'CrRendererMain'),
      meta(2, 6, 'Compositor'),
      { ...x('RunTask', 0, 10), pid: 2, tid: 5 },
      { ...x('RunTask', 20, 10), pid: 2, tid: 5 },
      { ...x('RunTask', 0, 10), pid: 1, tid: 1 },
      { name: 'TimeStamp', ph: 'I', ts: 1234, pid: 2, tid: 5, args: { data: { message: 'sync' } } }
    ]
    expect(mainThreadOf(events)).toEqual({ pid: 2, tid: 5 })
    expect(timeStampOf(events, 'sync')).toBe(1234)
    expect(timeStampOf(events, 'other')).toBeNull()
  })
})
