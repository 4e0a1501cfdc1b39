import { useEffect, useState } from 'react'
import { STREAM_SAMPLED_COLUMNS, type RunSeriesChunk, type RunSeriesView, type RunSummary } from '../../../../shared/contract'
import type { MechanicaClient } from '../../api/client'
import { useClient } from '../../app/ClientContext'
import { fromChunk, type DashboardSeries } from './dashboard-series'
import type { FromSeriesWorker, ToSeriesWorker } from './series.worker'

export interface DashboardData {
  series: DashboardSeries | null
  /** A finished run's results without their per-step series (metrics, counts, config). */
  results: RunSeriesView['summary'] | null
  error: string | null
}

/**
 * A lab run's series for the dashboard. A running run: what was streamed so far
 * (`runs.liveSeries`), then every `run.series` chunk as it arrives, joined and conflated to the
 * charts' width in a worker (streamInWorker). A finished run: its stored
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
    if (status === 'running') return streamInWorker(client, runId, maxBuckets, setData)
    let live = true
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

/**
 * Streams a running run through the series worker: the snapshot first, then the chunks in the
 * order they arrived (chunks that arrive before the snapshot wait; overlapping slots are
 * skipped by the worker). The worker's answers are shown at most once a frame, the latest
 * one: a burst costs one chart update. Returns the cleanup.
 */
function streamInWorker(client: MechanicaClient, runId: number, maxBuckets: number, setData: (data: DashboardData) => void): () => void {
  let alive = true
  const live = (): boolean => alive
  const worker = new Worker(new URL('./series.worker.ts', import.meta.url), { type: 'module' })
  const post = (message: ToSeriesWorker): void => worker.postMessage(message)
  post({ type: 'start', maxBuckets, sampled: [...STREAM_SAMPLED_COLUMNS] })
  let shown: DashboardSeries | null = null
  let latest: DashboardSeries | null = null
  let frame = 0
  const flush = (): void => {
    frame = 0
    if (!live() || !latest) return
    shown = latest
    latest = null
    setData({ series: shown, results: null, error: null })
  }
  worker.onmessage = (event: MessageEvent<FromSeriesWorker>) => {
    const message = event.data
    if (!live()) return
    if (message.type === 'error') {
      setData({ series: null, results: null, error: message.message })
      return
    }
    // The worker sends the events that are new; the page keeps the ones it has.
    const before = latest ?? shown
    const added = message.series.events
    latest = { ...message.series, events: before && added.length === 0 ? before.events : (before?.events ?? []).concat(added) }
    if (!frame) frame = requestAnimationFrame(flush)
  }
  let snapshotArrived = false
  const early: RunSeriesChunk[] = []
  const off = client.on('run.series', (chunk) => {
    if (!live() || chunk.runId !== runId) return
    if (snapshotArrived) post({ type: 'chunk', chunk })
    else early.push(chunk)
  })
  client.call('runs.liveSeries', { runId }).then(
    ({ chunk }) => {
      if (!live()) return
      snapshotArrived = true
      for (const part of chunk ? [chunk, ...early] : early) post({ type: 'chunk', chunk: part })
      early.length = 0
    },
    (error: Error) => live() && setData({ series: null, results: null, error: error.message })
  )
  return () => {
    alive = false
    cancelAnimationFrame(frame)
    off()
    worker.terminate()
  }
}
