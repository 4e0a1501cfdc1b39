import { useEffect, useState } from 'react'
import type { RunSeriesChunk, RunSeriesView, RunSummary } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { appendChunk, fromChunk, type DashboardSeries } from './dashboard-series'

export interface DashboardData {
  series: DashboardSeries | null
  /** A finished run's results without their per-step series (metrics, counts, config). */
  results: RunSeriesView['summary'] | null
  error: string | null
}

/**
 * A lab run's series for the dashboard. A running run: what was streamed so far
 * (`runs.liveSeries`), then every `run.series` chunk as it arrives. A finished run: its stored
 * series conflated by main to about two points per pixel (`runs.series`), with its constraint events.
 */
export function useDashboardSeries(run: RunSummary | null, widthPx: number): DashboardData {
  const client = useClient()
  const [data, setData] = useState<DashboardData>({ series: null, results: null, error: null })
  const runId = run?.id ?? null
  const status = run?.status ?? null
  // A run that stopped early keeps the decision log batches it committed: its series come from them.
  const partial = run?.partial === true
  // Buckets: one per pixel of the charts (two points each); never fewer than 512.
  const maxBuckets = Math.max(512, Math.round(widthPx))

  useEffect(() => {
    // The same run moving from running to completed keeps its streamed series until the stored one arrives.
    setData((previous) => (previous.series?.runId === runId ? { ...previous, error: null } : { series: null, results: null, error: null }))
    if (runId === null || status === null) return
    let live = true
    if (status === 'running') {
      // Subscribe first, then fetch the snapshot: chunks that arrive meanwhile wait and are
      // appended after it (overlapping slots are skipped).
      let series: DashboardSeries | null = null
      let snapshotArrived = false
      const early: RunSeriesChunk[] = []
      // Chunks are joined and shown at most once a frame: a burst (a busy moment, a reconnect)
      // costs one chart update, not one per chunk.
      let waiting: RunSeriesChunk[] = []
      let frame = 0
      const show = (next: DashboardSeries): void => {
        series = next
        setData({ series: next, results: null, error: null })
      }
      const flush = (): void => {
        frame = 0
        if (!live || waiting.length === 0) return
        let next = series
        for (const chunk of waiting) next = next ? appendChunk(next, chunk) : fromChunk(chunk)
        waiting = []
        if (next) show(next)
      }
      const off = client.on('run.series', (chunk) => {
        if (!live || chunk.runId !== runId) return
        if (!snapshotArrived) early.push(chunk)
        else {
          waiting.push(chunk)
          if (!frame) frame = requestAnimationFrame(flush)
        }
      })
      client.call('runs.liveSeries', { runId }).then(
        ({ chunk }) => {
          if (!live) return
          snapshotArrived = true
          const parts = chunk ? [chunk, ...early] : early
          if (parts.length === 0) return
          let joined = fromChunk(parts[0]!)
          for (const part of parts.slice(1)) joined = appendChunk(joined, part)
          show(joined)
        },
        (error: Error) => live && setData({ series: null, results: null, error: error.message })
      )
      return () => {
        live = false
        cancelAnimationFrame(frame)
        off()
      }
    }
    if (status !== 'completed' && !partial) {
      setData({ series: null, results: null, error: `Run #${runId} is ${status}: it has no stored series.` })
      return
    }
    client.call('runs.series', { runId, maxBuckets }).then(
      ({ summary, series }) => live && setData({ series: { ...fromChunk(series), streaming: false }, results: summary, error: null }),
      (error: Error) => live && setData({ series: null, results: null, error: error.message })
    )
    return () => {
      live = false
    }
  }, [client, runId, status, partial, maxBuckets])

  return data
}
