/// <reference lib="webworker" />
import type { RunSeriesChunk } from '../../../../shared/contract'
import type { DashboardSeries } from './dashboard-series'
import { StreamMerger } from './stream-merge'

// The dashboard's series worker: a running run's chunks are joined and conflated to the charts'
// width here, off the page's main thread (stream-merge.ts). The page posts `start` once per
// run and then every chunk in order; after each chunk the worker posts the series to show,
// its arrays transferred (not copied).

export type ToSeriesWorker = { type: 'start'; maxBuckets: number; sampled: string[] } | { type: 'chunk'; chunk: RunSeriesChunk }
/** `series.events` holds only the events that arrived since the last message (the page keeps the rest). */
export type FromSeriesWorker = { type: 'series'; series: DashboardSeries } | { type: 'error'; message: string }

const scope = self as unknown as DedicatedWorkerGlobalScope
let merger: StreamMerger | null = null
let eventsSent = 0

scope.onmessage = (event: MessageEvent<ToSeriesWorker>) => {
  const message = event.data
  try {
    if (message.type === 'start') {
      merger = new StreamMerger(message.maxBuckets, new Set(message.sampled))
      eventsSent = 0
      return
    }
    if (!merger) throw new Error('a chunk before the stream started')
    merger.push(message.chunk)
    const view = merger.view()
    if (!view) return
    // Copies, so that transferring them leaves the merger's own arrays intact.
    const series: DashboardSeries = { ...view, events: view.events.slice(eventsSent), t: view.t.slice(), columns: Object.fromEntries(Object.entries(view.columns).map(([name, values]) => [name, values.slice()])) }
    const buffers = [series.t.buffer, ...Object.values(series.columns).map((values) => values.buffer)]
    eventsSent = view.events.length
    scope.postMessage({ type: 'series', series } satisfies FromSeriesWorker, buffers)
  } catch (error) {
    scope.postMessage({ type: 'error', message: (error as Error).message } satisfies FromSeriesWorker)
  }
}
