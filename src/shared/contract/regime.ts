import { z } from 'zod'
import { LabRunSpec } from './runs'

/** Where a regime series comes from: a lab run's price path (with true labels) or a user's CSV text. */
export const RegimeSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('lab'), spec: LabRunSpec }),
  z.strictObject({ kind: z.literal('csv'), name: z.string().max(200).default('series.csv'), text: z.string().min(1).max(60_000) })
])
export type RegimeSource = z.infer<typeof RegimeSource>

export const RegimeReport = z.strictObject({
  source: z.string(),
  bars: z.int(),
  firstBar: z.int(),
  executionProvider: z.string(),
  providers: z.string(),
  model: z.strictObject({ name: z.string(), sha256: z.string() }),
  pStable: z.array(z.number()),
  filtered: z.array(z.int()),
  ood: z.strictObject({ radius: z.number(), barsOutside: z.int(), distance: z.array(z.number()) }),
  /** Latent phase space per bar in the model's frozen PCA basis: [bars × 3] row-major. */
  phase: z.strictObject({ dims: z.int(), values: z.array(z.number()), centroids: z.array(z.array(z.number())) }),
  evaluation: z
    .strictObject({
      accuracy: z.number().nullable(),
      f1_stress: z.number().nullable(),
      switches: z.int(),
      detected: z.int(),
      mean_time_to_detection: z.number().nullable(),
      false_alarms_per_1000_stable_bars: z.number().nullable()
    })
    .optional()
})
export type RegimeReport = z.infer<typeof RegimeReport>
