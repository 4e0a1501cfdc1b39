import { useCallback, useState } from 'react'

// Window state the renderer remembers across reloads and restarts (localStorage, per origin):
// the open view, the selected run, the runs ticked for comparison, panel widths. Each value is
// validated on the way in: a stale or hand-edited entry falls back to the default.

const PREFIX = 'mechanica.'

export function readStored<T>(key: string, fallback: T, accept: (value: unknown) => value is T): T {
  try {
    const text = localStorage.getItem(PREFIX + key)
    if (text === null) return fallback
    const value: unknown = JSON.parse(text)
    return accept(value) ? value : fallback
  } catch {
    return fallback
  }
}

export function writeStored(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // Storage full or refused (private mode): the app works, it just forgets.
  }
}

/** useState that starts from, and writes back to, localStorage. */
export function usePersistentState<T>(key: string, fallback: T, accept: (value: unknown) => value is T): [T, (value: T) => void] {
  const [value, setValue] = useState<T>(() => readStored(key, fallback, accept))
  const set = useCallback(
    (next: T) => {
      setValue(next)
      writeStored(key, next)
    },
    [key]
  )
  return [value, set]
}

export const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
export const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'
export const isString = (v: unknown): v is string => typeof v === 'string'
export const isRunId = (v: unknown): v is number | null => v === null || (Number.isInteger(v) && (v as number) > 0)
export const isRunIds = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x > 0)
