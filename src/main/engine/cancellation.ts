/** Raised by engine loops when their AbortSignal fires; the worker reports it as `cancelled`. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message)
    this.name = 'CancelledError'
  }
}

/**
 * How a long engine loop talks to its host without knowing it: report progress, give the
 * event loop a turn (so a cancel message can arrive), and learn whether it was cancelled.
 * The engine never reads the clock; throttling by time is the host's business.
 */
export interface LoopHost {
  signal?: AbortSignal
  onProgress?(done: number, total: number): void
  yieldControl?(): Promise<void>
}

export function throwIfCancelled(host: LoopHost): void {
  if (host.signal?.aborted) throw new CancelledError()
}
