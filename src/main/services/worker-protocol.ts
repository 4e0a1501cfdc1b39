import type { ApiErrorShape } from '../../shared/contract'

/**
 * Messages between main and a service process. They travel by structured clone (Node's
 * `advanced` serialization or Electron's MessagePort), so typed arrays cross intact.
 */
export type ToWorker =
  | { type: 'call'; id: number; method: string; params: unknown }
  | { type: 'cancel'; id: number }

export type FromWorker =
  | { type: 'ready' }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: ApiErrorShape }
  | { type: 'event'; id: number; name: string; payload: unknown }

export function isFromWorker(value: unknown): value is FromWorker {
  if (value === null || typeof value !== 'object') return false
  const type = (value as { type?: unknown }).type
  return type === 'ready' || type === 'result' || type === 'event'
}
