// How a run's series stream: plain constants without zod, so that the store's migrations (and
// the browser host, which opens the store before it loads the contract's schemas) can read them.

/** Columns a streamed chunk carries (cost components come as `cost:<component>`, cumulative). */
export const STREAM_COLUMNS = ['equity', 'drawdown', 'leverage', 'cumulativeCost', 'regime', 'action'] as const
/** Categorical columns: sampled, not min/max-conflated. */
export const STREAM_SAMPLED_COLUMNS = ['regime', 'action'] as const
/** Buckets a streamed run is conflated to at most (two points each). */
export const STREAM_MAX_BUCKETS = 4096
/** Streamed chunks per second, at most, per run. */
export const MAX_SERIES_FRAMES_PER_SECOND = 10
