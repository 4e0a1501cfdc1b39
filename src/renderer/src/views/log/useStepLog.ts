import { useCallback, useEffect, useRef, useState } from 'react'
import type { StepFilter, StepLogNames } from '../../../../shared/contract'
import { useClient } from '../../app/ClientContext'
import { PAGE_ROWS, PageStore, pagesToFetch, viewKey } from './step-pages'

/** Page requests in flight at once; the newest viewport's pages are asked for first. */
const MAX_IN_FLIGHT = 4
/**
 * React re-renders for arriving pages wait until pages stop arriving this long: while the view
 * scrolls, the canvas redraws from the store (subscribe) and the rest of the view keeps still.
 */
const RENDER_AFTER_MS = 250

export interface StepLogView {
  status: 'idle' | 'loading' | 'ready' | 'unlogged' | 'error'
  /** Matching rows (all steps without a filter). */
  total: number
  /** Steps in the run's log. */
  steps: number
  names: StepLogNames | null
  error: string | null
  /** Bumped when pages have arrived (once they stop arriving), so React's rows re-read the store. */
  version: number
  key: string
  store: PageStore
  /** Tells the loader which rows are on screen; it fetches what is missing plus a margin. */
  request(first: number, last: number): void
  /** Calls `listener` in the frame after pages arrive, before any re-render; returns the unsubscribe. */
  subscribe(listener: () => void): () => void
}

/**
 * The decision log of one run under one filter, fetched a page at a time as the viewport
 * moves. Pages arriving in the same frame cause one re-render.
 */
export function useStepLog(runId: number | null, filter: StepFilter): StepLogView {
  const client = useClient()
  const key = runId === null ? '' : viewKey(runId, filter)
  const [state, setState] = useState<Omit<StepLogView, 'store' | 'request' | 'version' | 'subscribe'> & { runId: number | null }>({
    status: 'idle',
    total: 0,
    steps: 0,
    names: null,
    error: null,
    key: '',
    runId: null
  })
  const [version, setVersion] = useState(0)
  const storeRef = useRef(new PageStore())
  const keyRef = useRef('')
  const inFlight = useRef(new Set<number>())
  const wanted = useRef<[number, number]>([0, 0])
  const totalRef = useRef(0)
  const frame = useRef(0)
  const renderTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const listeners = useRef(new Set<() => void>())
  const filterRef = useRef(filter)
  filterRef.current = filter

  const bump = useCallback(() => {
    if (frame.current) return
    frame.current = requestAnimationFrame(() => {
      frame.current = 0
      for (const listener of listeners.current) listener()
      clearTimeout(renderTimer.current)
      renderTimer.current = setTimeout(() => setVersion((v) => v + 1), RENDER_AFTER_MS)
    })
  }, [])

  const subscribe = useCallback((listener: () => void) => {
    listeners.current.add(listener)
    return () => void listeners.current.delete(listener)
  }, [])

  const pump = useCallback(() => {
    if (runId === null || keyRef.current === '') return
    const requestKey = keyRef.current
    const store = storeRef.current
    const [first, last] = wanted.current
    const missing = pagesToFetch(first, last, totalRef.current, (p) => store.has(p) || inFlight.current.has(p))
    for (const page of missing) {
      if (inFlight.current.size >= MAX_IN_FLIGHT) break
      inFlight.current.add(page)
      client.call('runs.steps', { runId, offset: page * PAGE_ROWS, limit: PAGE_ROWS, filter: filterRef.current }).then(
        (data) => {
          if (keyRef.current !== requestKey) return
          inFlight.current.delete(page)
          store.put(page, data)
          bump()
          pump()
        },
        (error: Error) => {
          if (keyRef.current !== requestKey) return
          inFlight.current.delete(page)
          setState((s) => ({ ...s, status: 'error', error: error.message }))
        }
      )
    }
  }, [client, runId, bump])

  // A new run or filter: a fresh store, then the first page tells the total and the names.
  useEffect(() => {
    keyRef.current = key
    storeRef.current = new PageStore()
    inFlight.current = new Set()
    totalRef.current = 0
    if (runId === null) {
      setState({ status: 'idle', total: 0, steps: 0, names: null, error: null, key, runId })
      return
    }
    setState((s) => ({ status: 'loading', total: 0, steps: s.runId === runId ? s.steps : 0, names: s.runId === runId ? s.names : null, error: null, key, runId }))
    const requestKey = key
    const store = storeRef.current
    inFlight.current.add(0)
    client.call('runs.steps', { runId, offset: 0, limit: PAGE_ROWS, filter: filterRef.current }).then(
      (data) => {
        if (keyRef.current !== requestKey) return
        inFlight.current.delete(0)
        totalRef.current = data.total
        if (!data.logged) {
          setState({ status: 'unlogged', total: 0, steps: 0, names: null, error: null, key, runId })
          return
        }
        store.put(0, data)
        setState({ status: 'ready', total: data.total, steps: data.steps, names: data.names, error: null, key, runId })
        setVersion((v) => v + 1)
        pump()
      },
      (error: Error) => {
        if (keyRef.current !== requestKey) return
        setState({ status: 'error', total: 0, steps: 0, names: null, error: error.message, key, runId })
      }
    )
  }, [client, key, runId, pump])

  useEffect(
    () => () => {
      cancelAnimationFrame(frame.current)
      clearTimeout(renderTimer.current)
    },
    []
  )

  const request = useCallback(
    (first: number, last: number) => {
      wanted.current = [first, last]
      const store = storeRef.current
      const visible: number[] = []
      for (let p = Math.floor(first / PAGE_ROWS); p <= Math.floor(last / PAGE_ROWS); p++) visible.push(p)
      store.touch(visible)
      pump()
    },
    [pump]
  )

  // Until the first page of a new key arrives, report it as loading (never the old key's rows);
  // the name tables and step count stay while only the filter changed, so the filter bar stays put.
  const sameRun = state.runId === runId
  const current = state.key === key ? state : { status: 'loading' as const, total: 0, steps: sameRun ? state.steps : 0, names: sameRun ? state.names : null, error: null, key, runId }
  return { status: current.status, total: current.total, steps: current.steps, names: current.names, error: current.error, version, key, store: storeRef.current, request, subscribe }
}
