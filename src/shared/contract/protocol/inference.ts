import { z } from 'zod'
import { RegimeCompareRequest, RegimeComparison, SeriesRegimeReport } from '../regime'
import { REGIME_CSV_MAX_CHARS, RegimeCsvComparison } from '../regime-csv'
import { InferenceStatus } from '../services'
import type { ServiceTable } from './table'

// The inference process's methods (src/main/workers/inference.ts): it owns the onnxruntime
// sessions, on the provider its probe chose.

/** The fewest closes `inference.regime` takes: the model's features start after a 101-bar warm-up (SSM_WARMUP). */
export const MIN_REGIME_CLOSES = 103

export const inferenceMethods = {
  'inference.status': {
    request: z.strictObject({}),
    response: InferenceStatus,
    events: {}
  },
  /** The regime model over one close series; labels (0 calm, 1 stress per bar) add an evaluation. */
  'inference.regime': {
    request: z.strictObject({
      closes: z
        .custom<Float64Array>((v) => v instanceof Float64Array, { error: 'must be a Float64Array' })
        .refine((closes) => closes.length >= MIN_REGIME_CLOSES, { error: `must hold at least ${MIN_REGIME_CLOSES} closes` }),
      labels: z.custom<Int8Array>((v) => v instanceof Int8Array, { error: 'must be an Int8Array' }).nullable(),
      /** The lab the series comes from (null: a user's CSV): it picks the shipped model (regimeModelFor). */
      lab: z.string().max(64).nullable().default(null)
    }),
    response: SeriesRegimeReport,
    events: {}
  },
  /** SSM vs the rv-threshold and HMM baselines on held-out seeds (it needs the session for every path). */
  'inference.compare': {
    request: RegimeCompareRequest,
    response: RegimeComparison,
    events: {
      /** Seeds done of seeds asked for. */
      progress: z.strictObject({ done: z.int().min(0), total: z.int().min(0) })
    }
  },
  /** The same five classifiers on a user's close file (the CLI's validator, no true regimes): `regime.compareCsv` once joined. */
  'inference.compareCsv': {
    request: z.strictObject({ name: z.string().min(1).max(200), text: z.string().max(REGIME_CSV_MAX_CHARS) }),
    response: RegimeCsvComparison,
    events: {
      /** The model, then each classifier, done of six. */
      progress: z.strictObject({ done: z.int().min(0), total: z.int().min(0) })
    }
  }
} as const satisfies ServiceTable

export type InferenceMethods = typeof inferenceMethods
