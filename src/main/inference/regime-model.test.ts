import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SSM_WARMUP, normaliseForModel } from '../regime/ssm-features'
import { DEFAULT_MODEL, PREVIOUS_MODEL, RegimeModel, STATE_SIZE, featuresFor, loadRegimeModel, regimeModelFor } from './regime-model'

// The shipped models and PyTorch's own outputs for them (resources/models, made by tools/regime-model):
// v2 (scale-free features, the workstation's model) and v1 (kept beside it for comparison).
const dir = join(__dirname, '../../../resources/models')
interface Fixture {
  closes: number[]
  /** Bar index of the first fixture row in `closes` (v1: the warm-up; v2 carries every close from bar 0). */
  closes_offset: number
  raw_features: number[][]
  x: number[][]
  p: number[][]
  latent: number[][]
  final_state: number[]
  tolerance: number
  chunk: { x: number[][]; p: number[][]; latent: number[][]; final_state: number[] }
}

describe.each([DEFAULT_MODEL, PREVIOUS_MODEL])('regime model %s served by ONNX Runtime', (stem) => {
  let model: RegimeModel
  const fixture = JSON.parse(readFileSync(join(dir, `${stem}.fixtures.json`), 'utf8')) as Fixture
  // Rows of the whole close series' features before the fixture's first row.
  const skip = fixture.closes_offset - SSM_WARMUP
  const f = fixture.x[0]!.length

  beforeAll(async () => {
    model = await RegimeModel.create(ort, loadRegimeModel(dir, stem))
  })
  afterAll(async () => {
    await model.release()
  })

  it('the app computes the features the model was trained on (Python contract)', () => {
    const raw = featuresFor(model.card)(fixture.closes)
    expect(model.card.features.channels.length).toBe(f)
    expect(raw.length / f - skip).toBe(fixture.raw_features.length)
    fixture.raw_features.forEach((row, i) => row.forEach((v, c) => expect(raw[(skip + i) * f + c]).toBeCloseTo(v, 12)))
  })

  it('reproduces PyTorch step by step within the fixture tolerance, state included', async () => {
    const card = model.card
    const x = normaliseForModel(featuresFor(card)(fixture.closes), card.features.normalisation.mean, card.features.normalisation.std).subarray(skip * f)
    let state: Float32Array = new Float32Array(STATE_SIZE)
    let worst = 0
    for (let i = 0; i < fixture.p.length; i++) {
      const out = await model.step(x.subarray(i * f, (i + 1) * f), state)
      state = out.state
      fixture.p[i]!.forEach((v, c) => (worst = Math.max(worst, Math.abs(out.p[c]! - v))))
      fixture.latent[i]!.forEach((v, c) => (worst = Math.max(worst, Math.abs(out.latent[c]! - v))))
    }
    fixture.final_state.forEach((v, i) => (worst = Math.max(worst, Math.abs(state[i]! - v))))
    expect(worst).toBeLessThanOrEqual(fixture.tolerance)
  })

  it('the chunk graph reproduces PyTorch for 64 bars in one call, and equals 64 step calls', async () => {
    expect(model.chunkSize).toBe(64)
    const x = Float32Array.from(fixture.chunk.x.flat())
    const zero = new Float32Array(STATE_SIZE)
    const chunk = await model.chunk(x, zero)
    let worst = 0
    fixture.chunk.p.forEach((row, i) => row.forEach((v, c) => (worst = Math.max(worst, Math.abs(chunk.p[i * 2 + c]! - v)))))
    fixture.chunk.latent.forEach((row, i) => row.forEach((v, c) => (worst = Math.max(worst, Math.abs(chunk.latent[i * 64 + c]! - v)))))
    fixture.chunk.final_state.forEach((v, i) => (worst = Math.max(worst, Math.abs(chunk.state[i]! - v))))
    expect(worst).toBeLessThanOrEqual(fixture.tolerance)
    let state: Float32Array = zero
    for (let i = 0; i < 64; i++) state = (await model.step(x.subarray(i * f, i * f + f), state)).state
    state.forEach((v, i) => expect(Math.abs(v - chunk.state[i]!)).toBeLessThanOrEqual(fixture.tolerance))
  })

  it('classifies a whole series: probabilities, phase-space coordinates and OOD distances per bar', async () => {
    const result = await model.classify(fixture.closes)
    expect(result.firstBar).toBe(SSM_WARMUP)
    expect(result.pStable.length - skip).toBe(fixture.p.length)
    // The fixture's rows start from a zero state; with history before them (v2) the reference is the
    // step graph over every row from the first, which classify's chunk path must reproduce.
    if (skip === 0) result.pStable.forEach((p, i) => expect(p).toBeCloseTo(fixture.p[i]![0]!, 5))
    const card = model.card
    const x = normaliseForModel(featuresFor(card)(fixture.closes), card.features.normalisation.mean, card.features.normalisation.std)
    let state: Float32Array = new Float32Array(STATE_SIZE)
    for (let i = 0; i < result.pStable.length; i++) {
      const out = await model.step(x.subarray(i * f, (i + 1) * f), state)
      state = out.state
      expect(result.pStable[i]).toBeCloseTo(out.p[0]!, 5)
    }
    expect(result.phase.length).toBe((skip + fixture.p.length) * 3)
    expect(result.oodRadius).toBeGreaterThan(0)
    for (const d of result.oodDistance) expect(Number.isFinite(d) && d >= 0).toBe(true)
  })

  // A real model folder with one byte of one graph changed: the card parses, the channels match
  // and every file is there, so only the sha256 check can refuse it.
  it.each(['onnx', 'chunk64.onnx'])(`refuses a model file that does not match its card (${stem}.%s, one byte changed)`, (ext) => {
    const name = `${stem}.${ext}`
    const copy = mkdtempSync(join(tmpdir(), 'mechanica-model-'))
    try {
      cpSync(dir, copy, { recursive: true })
      const file = join(copy, name)
      const bytes = readFileSync(file)
      const at = bytes.length >> 1
      bytes[at] = bytes[at]! ^ 0x01
      writeFileSync(file, bytes)
      const message = new RegExp(`^${name.replaceAll('.', '\\.')} does not match its card \\(sha256 [0-9a-f]{12}…, card says [0-9a-f]{12}…\\)$`)
      expect(() => loadRegimeModel(copy, stem)).toThrow(message)
      // The same copy with the byte restored loads: the refusal above was the byte, not the copy.
      bytes[at] = bytes[at]! ^ 0x01
      writeFileSync(file, bytes)
      expect(loadRegimeModel(copy, stem).card.onnx.file).toBe(`${stem}.onnx`)
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})

describe('which shipped model reads a series', () => {
  it('v1 on its home simulator, v2 on every other lab and on a CSV', () => {
    expect(regimeModelFor('heston-regime')).toBe(PREVIOUS_MODEL)
    for (const lab of ['fx-carry', 'microstructure', 'funding-basis', 'vol-surface', 'latency-arb']) expect(regimeModelFor(lab)).toBe(DEFAULT_MODEL)
    expect(regimeModelFor(null)).toBe(DEFAULT_MODEL)
  })

  it('a card whose channels this build cannot compute is refused in one line', () => {
    const card = loadRegimeModel(dir, DEFAULT_MODEL).card
    expect(() => featuresFor({ ...card, features: { ...card.features, channels: ['velocity', 'mystery'] } })).toThrow(/^the model expects channels velocity, mystery; this build computes \[/)
  })
})
