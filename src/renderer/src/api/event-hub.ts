/**
 * Routes the host's events to their listeners by name. Service states are state, not moments:
 * the latest of each service is kept and handed at once to a `service.status` listener that
 * subscribes later. The browser host sends every service's state as the socket opens, which can
 * be before the shell has subscribed (its effects run after the first paint).
 */
export function eventHub(): { emit(event: string, payload: unknown): void; on(event: string, listener: (payload: unknown) => void): () => void } {
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  const serviceStates = new Map<string, unknown>()
  return {
    emit(event, payload) {
      if (event === 'service.status') serviceStates.set((payload as { name: string }).name, payload)
      for (const listener of listeners.get(event) ?? []) listener(payload)
    },
    on(event, listener) {
      let set = listeners.get(event)
      if (!set) listeners.set(event, (set = new Set()))
      set.add(listener)
      if (event === 'service.status') for (const state of serviceStates.values()) listener(state)
      return () => set.delete(listener)
    }
  }
}
