import type { ApiErrorShape } from './contract'

/** IPC channels between preload and main; nothing else is exposed. */
export const CALL_CHANNEL = 'mechanica:call'
export const EVENT_CHANNEL = 'mechanica:event'

export type BridgeOutcome = { ok: true; value: unknown } | { ok: false; error: ApiErrorShape }

/** What the preload puts on `window.mechanica`: the contract client's transport, nothing raw. */
export interface MechanicaBridge {
  call(method: string, params: unknown): Promise<BridgeOutcome>
  subscribe(listener: (event: string, payload: unknown) => void): () => void
}
