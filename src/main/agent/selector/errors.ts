/** A provider did not answer within the selector's timeout (the step falls back with `timeout`). */
export class AgentTimeoutError extends Error {
  constructor(
    readonly timeoutMs: number,
    /** The time waited, when it is known exactly (a recorded call replays its own). */
    readonly latencyMs = timeoutMs
  ) {
    super(`no answer within ${timeoutMs} ms`)
    this.name = 'AgentTimeoutError'
  }
}

/** A recorded provider error, replayed with its message and the time it took. */
export class RecordedProviderError extends Error {
  constructor(
    message: string,
    readonly latencyMs: number
  ) {
    super(message)
    this.name = 'RecordedProviderError'
  }
}

/** A replay asked a question the recording does not hold: the run cannot be replayed from it (never a fallback). */
export class ReplayMismatchError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ReplayMismatchError'
  }
}
