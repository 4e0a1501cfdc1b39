import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ort from 'onnxruntime-node'
import { describe, expect, it, vi } from 'vitest'
import { CSV_PART_CHARS, csvParts, methodNames, type MethodName, type MethodResult } from '../../shared/contract'
import { inferenceMethods } from '../../shared/contract/protocol'
import { createRouter, type CallContext, type Handlers } from '../api/router'
import { modelsDir, reportRegimes } from '../inference/classify-series'
import { compareOnCsv } from '../inference/csv-regime-compare'
import { RegimeModel, loadRegimeModel, regimeModelFor } from '../inference/regime-model'
import { parsePriceCsv } from '../regime/csv'
import type { InferenceService } from '../services/service-host'
import { inferenceHandlers } from '../workers/inference-handlers'
import { regimeInputFromReport } from './run-inputs'
import { regimeCsvHandlers } from './regime-csv'

// `regime.compareCsv` through the router, with the inference process's handler run in this
// process (parsed with its own method table, as the inference service does): a bad file gets one
// line naming the row, and a file in parts gives exactly the five-way comparison of its closes
// (`compareOnCsv`, what `regime --csv FILE --compare` prints), with progress.

const ctx: CallContext = { transport: 'direct' }
const FIXTURE = readFileSync('e2e/fixtures/regime-closes.csv', 'utf8')

function inProcessInference(): InferenceService {
  const call = async (method: 'inference.compareCsv', params: unknown, options?: { on?: { progress?: (p: unknown) => void } }) => {
    const parsed = inferenceMethods[method].request.parse(params)
    const emit = (name: string, payload: unknown) => name === 'progress' && options?.on?.progress?.(inferenceMethods[method].events.progress.parse(payload))
    return inferenceMethods[method].response.parse(await inferenceHandlers[method](parsed, { signal: new AbortController().signal, emit } as never))
  }
  return { call } as unknown as InferenceService
}

function setup() {
  const progress = vi.fn()
  const others = Object.fromEntries(methodNames.map((m: MethodName) => [m, vi.fn()]))
  const router = createRouter({ ...others, ...regimeCsvHandlers(inProcessInference(), progress) } as unknown as Handlers, vi.fn())
  return { router, progress }
}

async function refusal(text: string): Promise<{ code: string; message: string }> {
  const outcome = await setup().router.call('regime.compareCsv', { upload: 'bad', part: 0, parts: 1, name: 'closes.csv', text }, ctx)
  if (outcome.ok) throw new Error('the file was accepted')
  return outcome.error
}

describe('regime.compareCsv: a bad file refused in one line naming the row', () => {
  it('refuses a non-positive close, naming its row', async () => {
    const lines = FIXTURE.split('\n').slice(0, 300)
    lines[41] = lines[41]!.replace(/,[^,]*$/, ',-3')
    const error = await refusal(lines.join('\n'))
    expect(error.code).toBe('invalid_params')
    expect(error.message).toBe('closes.csv: the CSV was rejected: row 42: close must be > 0 (got -3)')
  }, 60_000)

  it('refuses a wrong header and a file too short to read, each in one line', async () => {
    expect((await refusal('day,price\n2024-01-01,1\n')).message).toBe('closes.csv: the CSV was rejected: row 1: the header must be "date,close" or "date,close,volume" (got "day,price")')
    const short = FIXTURE.split('\n').slice(0, 103).join('\n')
    const error = await refusal(short)
    expect(error.message).toBe('closes.csv: the CSV was rejected: row 103: the file has 102 data rows; regime inference needs at least 121')
    expect(error.message).not.toContain('\n')
  }, 60_000)
})

describe('regime.compareCsv: a file in parts', () => {
  it('answers partial, then the comparison of the file’s closes, with the model’s stress and progress', async () => {
    const { router, progress } = setup()
    const parts = csvParts(FIXTURE, CSV_PART_CHARS)
    expect(parts.length).toBe(2)
    const first = await router.call('regime.compareCsv', { upload: 'f', part: 0, parts: 2, name: 'closes.csv', text: parts[0]! }, ctx)
    expect(first).toEqual({ ok: true, value: { status: 'partial', received: 1, parts: 2 } })
    const last = await router.call('regime.compareCsv', { upload: 'f', part: 1, parts: 2, name: 'closes.csv', text: parts[1]! }, ctx)
    const answer = last.ok ? (last.value as MethodResult<'regime.compareCsv'>) : null
    if (answer?.status !== 'done') throw new Error(last.ok ? 'no comparison' : last.error.message)

    // The reference: the same comparison run here on the file's closes with the CSV's model on CPU.
    const closes = parsePriceCsv(FIXTURE).close
    const model = await RegimeModel.create(ort, loadRegimeModel(modelsDir(join(__dirname, '..')), regimeModelFor(null)), ['cpu'])
    const expected = await compareOnCsv(closes, async (c) => regimeInputFromReport(reportRegimes(await model.classify(c), c.length, null, model.card, 'cpu', 'cpu')))
    await model.release()
    const c = answer.comparison
    expect({ bars: c.bars, start: c.start, scoredBars: c.scoredBars, labels: c.labels, note: c.note, rows: c.rows }).toEqual(expected.comparison)
    expect(c.ssmStress).toEqual(expected.ssmStress)
    expect(Array.from(c.closes)).toEqual(Array.from(closes))
    expect(c).toMatchObject({ name: 'closes.csv', bars: 1600, start: 640, scoredBars: 960, labels: false })
    expect(c.note).toMatch(/^no true regimes in a CSV/)
    expect(c.model.name).toBe(model.card.name)

    const reports = progress.mock.calls.map(([p]) => p as { task: string; done: number; total: number })
    expect(reports.map((p) => [p.done, p.total])).toEqual([0, 1, 2, 3, 4, 5, 6].map((d) => [d, 6]))
    expect(reports.every((p) => p.task === 'regime.compareCsv')).toBe(true)
  }, 120_000)
})
