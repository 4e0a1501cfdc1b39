import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import type * as OrtModule from 'onnxruntime-node'
import type { InferenceSession } from 'onnxruntime-node'
import { z } from 'zod'
import { SSM_CHANNELS, SSM_WARMUP, normaliseForModel, ssmFeatures } from '../regime/ssm-features'
import { SSM_V2_CHANNELS, ssmFeaturesV2 } from '../regime/ssm-features-v2'

/** The feature contracts this build computes, by the channel list a card declares. */
const FEATURE_SETS: ReadonlyArray<{ channels: readonly string[]; features: (closes: ArrayLike<number>) => Float64Array }> = [
  { channels: SSM_CHANNELS, features: ssmFeatures },
  { channels: SSM_V2_CHANNELS, features: ssmFeaturesV2 }
]

/** The model the workstation classifies with, and the one it keeps beside it for comparison. */
export const DEFAULT_MODEL = 'regime-ssm-v2'
export const PREVIOUS_MODEL = 'regime-ssm'
export const SHIPPED_MODELS = [DEFAULT_MODEL, PREVIOUS_MODEL] as const

/**
 * The model for a lab's series (null: a user's CSV). v1 stays with heston-regime, the simulator
 * it was trained on, where it still beats v2 (held-out seeds 3000–3009: F1 0.720 against 0.605,
 * 1.7 false alarms per 1,000 calm bars against 4.7); v2 serves every other lab and every CSV,
 * where v1 is out of its distribution (accuracy 0.17–0.65 against v2's 0.61–0.98).
 */
export function regimeModelFor(lab: string | null): (typeof SHIPPED_MODELS)[number] {
  return lab === 'heston-regime' ? PREVIOUS_MODEL : DEFAULT_MODEL
}

/** The parts of the model card the app relies on; the rest is documentation. */
export const RegimeModelCard = z.object({
  name: z.string(),
  class_order: z.tuple([z.literal('stable'), z.literal('stress')]),
  onnx: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }),
  /** Optional chunk graph: `chunk` bars per call, the same recurrence unrolled. */
  onnx_chunk: z.object({ file: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/), chunk: z.int().positive() }).optional(),
  features: z.object({
    channels: z.array(z.string()),
    normalisation: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) })
  }),
  phase_space: z.object({
    pca: z.object({ mean: z.array(z.number()), components: z.array(z.array(z.number())) }),
    centroids: z.object({ order: z.array(z.string()), pca: z.array(z.array(z.number())) }),
    ood: z.object({ radius_pca: z.number().positive() })
  }),
  /** Optional early-warning decision on P(stable) (src/main/regime/early-warning.ts), tuned on validation seeds. */
  early_warning: z
    .object({ rule: z.literal('log_odds_cusum'), reference: z.number(), threshold: z.number().positive(), cap: z.number().positive() })
    .refine((r) => r.cap >= r.threshold, { error: 'early_warning.cap must be ≥ early_warning.threshold' })
    .optional()
})
export type RegimeModelCard = z.infer<typeof RegimeModelCard>

export const STATE_SHAPE = [1, 2, 64, 16] as const
export const STATE_SIZE = STATE_SHAPE.reduce<number>((a, b) => a * b, 1)

export interface RegimeModelFiles {
  card: RegimeModelCard
  model: Uint8Array
  chunkModel: Uint8Array | null
}

function readChecked(dir: string, file: string, sha256: string): Uint8Array {
  const bytes = readFileSync(join(dir, file))
  const sha = createHash('sha256').update(bytes).digest('hex')
  if (sha !== sha256) throw new Error(`${file} does not match its card (sha256 ${sha.slice(0, 12)}…, card says ${sha256.slice(0, 12)}…)`)
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** The feature function of a card's channel list; refuses a contract this build does not compute. */
export function featuresFor(card: RegimeModelCard): (closes: ArrayLike<number>) => Float64Array {
  const set = FEATURE_SETS.find((s) => s.channels.join() === card.features.channels.join())
  if (!set) throw new Error(`the model expects channels ${card.features.channels.join(', ')}; this build computes ${FEATURE_SETS.map((s) => `[${s.channels.join(', ')}]`).join(' or ')}`)
  const f = set.channels.length
  if (card.features.normalisation.mean.length !== f || card.features.normalisation.std.length !== f) throw new Error(`${card.name}'s normalisation does not have ${f} channels`)
  return set.features
}

/** Reads and checks a shipped model (`stem`.card.json and its graphs): card fields, channel order and sha256. */
export function loadRegimeModel(dir: string, stem: string = DEFAULT_MODEL): RegimeModelFiles {
  const card = RegimeModelCard.parse(JSON.parse(readFileSync(join(dir, `${stem}.card.json`), 'utf8')))
  featuresFor(card)
  return {
    card,
    model: readChecked(dir, card.onnx.file, card.onnx.sha256),
    chunkModel: card.onnx_chunk ? readChecked(dir, card.onnx_chunk.file, card.onnx_chunk.sha256) : null
  }
}

export interface RegimeClassification {
  /** Bar index of the first classified bar (the features' warm-up). */
  firstBar: number
  pStable: Float64Array
  /** Latent phase-space coordinates, [bars × 3] row-major, in the card's frozen PCA basis. */
  phase: Float64Array
  /** Distance to the nearest regime centroid in PCA space, and the card's OOD radius. */
  oodDistance: Float64Array
  oodRadius: number
}

/**
 * The streaming regime classifier: one session, created once, state carried bar to bar in
 * a float32 buffer, exactly the graph's `x`/`state` → `p`/`latent`/`state_out` contract.
 */
export class RegimeModel {
  /** Channels per bar of this model's input. */
  private readonly f: number
  private readonly features: (closes: ArrayLike<number>) => Float64Array

  private constructor(
    private readonly ort: typeof OrtModule,
    private readonly session: InferenceSession,
    private readonly chunkSession: InferenceSession | null,
    readonly card: RegimeModelCard
  ) {
    this.features = featuresFor(card)
    this.f = card.features.channels.length
  }


  /** `intraOpNumThreads` is left to ONNX Runtime unless given (the bench pins it to compare with PyTorch). */
  static async create(ort: typeof OrtModule, files: RegimeModelFiles, executionProviders: string[] = ['cpu'], threads: { intraOpNumThreads?: number } = {}): Promise<RegimeModel> {
    const options = { executionProviders, graphOptimizationLevel: 'all' as const, ...threads }
    const session = await ort.InferenceSession.create(files.model, options)
    const chunkSession = files.chunkModel ? await ort.InferenceSession.create(files.chunkModel, options) : null
    return new RegimeModel(ort, session, chunkSession, files.card)
  }

  /** Bars per chunk call (0 when the model ships no chunk graph). */
  get chunkSize(): number {
    return this.chunkSession ? (this.card.onnx_chunk?.chunk ?? 0) : 0
  }

  /** `chunkSize` bars in one call: the same recurrence as `step`, state carried exactly. */
  async chunk(x: Float32Array, state: Float32Array): Promise<{ p: Float32Array; latent: Float32Array; state: Float32Array }> {
    const size = this.chunkSize
    if (!this.chunkSession || x.length !== size * this.f) throw new Error(`chunk needs ${size} bars of ${this.f} features`)
    const out = await this.chunkSession.run({
      x: new this.ort.Tensor('float32', x, [1, size, this.f]),
      state: new this.ort.Tensor('float32', state, [...STATE_SHAPE])
    })
    return { p: out.p!.data as Float32Array, latent: out.latent!.data as Float32Array, state: out.state_out!.data as Float32Array }
  }

  /** One bar: normalised features in, probabilities, latent and next state out. */
  async step(x: Float32Array, state: Float32Array): Promise<{ p: Float32Array; latent: Float32Array; state: Float32Array }> {
    const out = await this.session.run({
      x: new this.ort.Tensor('float32', x, [1, this.f]),
      state: new this.ort.Tensor('float32', state, [...STATE_SHAPE])
    })
    return { p: out.p!.data as Float32Array, latent: out.latent!.data as Float32Array, state: out.state_out!.data as Float32Array }
  }

  /**
   * Normalised feature rows through the model from a zero state: whole chunks through the chunk
   * graph, the remainder bar by bar, so the state stays exact (padding a last chunk would feed
   * zero bars into it). `record(bar, p, latent, row)` reads bar `bar` at row `row` of the call's
   * outputs. Returns the state after the last bar.
   */
  async run(x: Float32Array, record?: (bar: number, p: Float32Array, latent: Float32Array, row: number) => void): Promise<Float32Array> {
    const f = this.f
    const bars = x.length / f
    let state: Float32Array = new Float32Array(STATE_SIZE)
    const size = this.chunkSize
    let b = 0
    for (; size > 0 && b + size <= bars; b += size) {
      const out = await this.chunk(x.subarray(b * f, (b + size) * f), state)
      state = out.state
      if (record) for (let i = 0; i < size; i++) record(b + i, out.p, out.latent, i)
    }
    for (; b < bars; b++) {
      const out = await this.step(x.subarray(b * f, (b + 1) * f), state)
      state = out.state
      record?.(b, out.p, out.latent, 0)
    }
    return state
  }

  /** Classifies every bar of a close series from the warm-up on, streaming from a zero state. */
  async classify(closes: ArrayLike<number>): Promise<RegimeClassification> {
    const { mean, std } = this.card.features.normalisation
    const x = normaliseForModel(this.features(closes), mean, std)
    const bars = x.length / this.f
    const { pca, centroids, ood } = this.card.phase_space
    const k = pca.components.length
    const pStable = new Float64Array(bars)
    const phase = new Float64Array(bars * k)
    const oodDistance = new Float64Array(bars)
    const latentSize = pca.mean.length
    const record = (b: number, p: Float32Array, latent: Float32Array, row: number): void => {
      pStable[b] = p[row * 2]!
      for (let c = 0; c < k; c++) {
        const component = pca.components[c]!
        let z = 0
        for (let d = 0; d < component.length; d++) z += (latent[row * latentSize + d]! - pca.mean[d]!) * component[d]!
        phase[b * k + c] = z
      }
    }
    await this.run(x, record)
    for (let b = 0; b < bars; b++) {
      let nearest = Number.POSITIVE_INFINITY
      for (const centroid of centroids.pca) {
        let d2 = 0
        for (let c = 0; c < k; c++) d2 += (phase[b * k + c]! - centroid[c]!) ** 2
        nearest = Math.min(nearest, Math.sqrt(d2))
      }
      oodDistance[b] = nearest
    }
    return { firstBar: SSM_WARMUP, pStable, phase, oodDistance, oodRadius: ood.radius_pca }
  }

  async release(): Promise<void> {
    await this.session.release()
    await this.chunkSession?.release()
  }
}
