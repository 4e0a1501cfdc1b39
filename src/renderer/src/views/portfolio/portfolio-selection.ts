import { useSyncExternalStore } from 'react'

// The portfolio the Portfolio and Risk views look at: one choice both read, kept while the user
// moves between them (the workspace's run selection does the same for runs).

let selected: number | null = null
const listeners = new Set<() => void>()

export function selectPortfolio(id: number | null): void {
  if (id === selected) return
  selected = id
  for (const listener of listeners) listener()
}

export function useSelectedPortfolio(): number | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    () => selected
  )
}
