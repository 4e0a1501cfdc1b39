import { useCallback, useEffect, useRef, useState } from 'react'
import type { TerrainBar } from '../../../../shared/contract'

// The scrubbed bar of a terrain (a run's or a file's): one request at a time, only the latest
// wanted bar remembered while one is out, and the last bars kept so going back is instant.

/** Bars kept per source after a scrub. */
const BAR_CACHE = 256

/**
 * `source` names what is scrubbed (a run id, a file's key): a new one empties the cache. `fetch`
 * answers one bar of it; null `source` fetches nothing.
 */
export function useTerrainBar(source: string | null, t: number, fetch: (source: string, bar: number) => Promise<TerrainBar>, onError: (message: string) => void): TerrainBar | null {
  const [shown, setShown] = useState<{ source: string; bar: TerrainBar } | null>(null)
  const cache = useRef(new Map<number, TerrainBar>())
  const cachedFor = useRef<string | null>(null)
  const pending = useRef<{ source: string; bar: number } | null>(null)
  const busy = useRef(false)
  const current = useRef<string | null>(null)
  current.current = source

  const pump = useCallback(() => {
    const want = pending.current
    if (busy.current || !want) return
    const hit = cachedFor.current === want.source ? cache.current.get(want.bar) : undefined
    if (hit) {
      pending.current = null
      setShown({ source: want.source, bar: hit })
      return
    }
    busy.current = true
    fetch(want.source, want.bar)
      .then(
        (answer) => {
          if (cachedFor.current !== want.source) {
            cache.current = new Map()
            cachedFor.current = want.source
          }
          if (cache.current.size >= BAR_CACHE) cache.current.delete(cache.current.keys().next().value!)
          cache.current.set(answer.bar, answer)
          if (pending.current?.source === want.source && pending.current.bar === want.bar) pending.current = null
          if (current.current === want.source) setShown({ source: want.source, bar: answer })
        },
        (e: Error) => onError(e.message)
      )
      .finally(() => {
        busy.current = false
        pump()
      })
  }, [fetch, onError])

  useEffect(() => {
    if (source === null) return
    pending.current = { source, bar: t }
    pump()
  }, [source, t, pump])

  // A bar of another source (the one shown before a switch) is never handed out.
  return shown !== null && shown.source === source ? shown.bar : null
}
