import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SSM_WARMUP, normaliseForModel, ssmFeatures } from '../regime/ssm-features'
import { RegimeModel, STATE_SIZE, loadRegimeModel } from './regime-model'

// The shipped model and PyTorch's own outputs for it (resources/models, made by tools/regime-model).
const dir = join(__dirname, '../../../resources/models')
const fixture = JSON.parse(readFileSync(join(dir, 'regime-ssm.fixtures.json'), 'utf8')) as {
  closes: number[]
  closes_offset: number
  raw_features: number[][]
  x: number[][]
  p: number[][]
  latent: number[][]
  final_state: number[]
  tolerance: number
  chunk: { x: number[][]; p: number[][]; latent: number[][]; final_state: number[] }
}

describe('regime model served by ONNX Runtime', () => {
  let model: RegimeModel

  beforeAll(async () => {
    model = await RegimeModel.create(ort, loadRegimeModel(dir))
  })
  afterAll(async () => {
    await model.release()
  })

  it('the app computes the features the model was trained on (Python contract)', () => {
    const raw = ssmFeatures(fixture.closes)
    expect(fixture.closes_offset).toBe(SSM_WARMUP)
    expect(raw.length / 5).toBe(fixture.raw_features.length)
    fixture.raw_features.forEach((row, i) => row.forEach((v, c) => expect(raw[i * 5 + c]).toBeCloseTo(v, 12)))
  })

  it('reproduces PyTorch step by step within the fixture tolerance, state included', async () => {
    const card = model.card
    const x = normaliseForModel(ssmFeatures(fixture.closes), card.features.normalisation.mean, card.features.normalisation.std)
    let state: Float32Array = new Float32Array(STATE_SIZE)
    let worst = 0
    for (let i = 0; i < fixture.p.length; i++) {
      const out = await model.step(x.subarray(i * 5, (i + 1) * 5), state)
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
    for (let i = 0; i < 64; i++) state = (await model.step(x.subarray(i * 5, i * 5 + 5), state)).state
    state.forEach((v, i) => expect(Math.abs(v - chunk.state[i]!)).toBeLessThanOrEqual(fixture.tolerance))
  })

  it('classifies a whole series: probabilities, phase-space coordinates and OOD distances per bar', async () => {
    const result = await model.classify(fixture.closes)
    expect(result.firstBar).toBe(SSM_WARMUP)
    expect(result.pStable.length).toBe(fixture.p.length)
    result.pStable.forEach((p, i) => expect(p).toBeCloseTo(fixture.p[i]![0]!, 5))
    expect(result.phase.length).toBe(fixture.p.length * 3)
    expect(result.oodRadius).toBeGreaterThan(0)
    for (const d of result.oodDistance) expect(Number.isFinite(d) && d >= 0).toBe(true)
  })

  // A real model folder with one byte of one graph changed: the card parses, the channels match
  // and every file is there, so only the sha256 check can refuse it.
  it.each(['regime-ssm.onnx', 'regime-ssm.chunk64.onnx'])('refuses a model file that does not match its card (%s, one byte changed)', (name) => {
    const copy = mkdtempSync(join(tmpdir(), 'mechanica-model-'))
    try {
      cpSync(dir, copy, { recursive: true })
      const file = join(copy, name)
      const bytes = readFileSync(file)
      const at = bytes.length >> 1
      bytes[at] = bytes[at]! ^ 0x01
      writeFileSync(file, bytes)
      const message = new RegExp(`^${name.replaceAll('.', '\\.')} does not match its card \\(sha256 [0-9a-f]{12}…, card says [0-9a-f]{12}…\\)$`)
      expect(() => loadRegimeModel(copy)).toThrow(message)
      // The same copy with the byte restored loads: the refusal above was the byte, not the copy.
      bytes[at] = bytes[at]! ^ 0x01
      writeFileSync(file, bytes)
      expect(loadRegimeModel(copy).card.onnx.file).toBe('regime-ssm.onnx')
    } finally {
      rmSync(copy, { recursive: true, force: true })
    }
  })
})
