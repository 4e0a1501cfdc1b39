import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  ApiError,
  ApiErrorShape,
  MAX_WALK_STEPS,
  RandomWalkSpec,
  RunAudit,
  RunManifest,
  RunSpec,
  SurfaceFrames,
  VerificationStatus,
  decodeWire,
  describeValue,
  encodeWire,
  issuesFromZod,
  methods,
  summariseIssues,
  verificationStatusClass,
  type FieldIssue
} from './index'

function issuesOf(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, input: unknown, root?: string): FieldIssue[] {
  const parsed = schema.safeParse(input)
  if (parsed.success) throw new Error('expected the input to be rejected')
  return issuesFromZod(parsed.error as Parameters<typeof issuesFromZod>[0], input, root)
}

/** Bit-exact equality, so NaN payloads and -0 count. */
function sameBits(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength)
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
  return x.every((byte, i) => byte === y[i])
}

describe('issuesFromZod', () => {
  it('names the field and says what the limit was and what it got for too many steps', () => {
    const issues = issuesOf(RandomWalkSpec, { task: 'random-walk', steps: 2e7, seed: 1 })
    expect(issues).toEqual([{ path: 'steps', message: 'must be at most 10,000,000 (got 20000000)' }])
  })

  it('reports an unknown key by name at the root path', () => {
    const issues = issuesOf(RandomWalkSpec, { task: 'random-walk', steps: 10, seed: 1, x: 1 })
    expect(issues).toEqual([{ path: 'params', message: 'unknown key "x"' }])
  })

  it('lists several unknown keys together and uses the given root name', () => {
    const issues = issuesOf(RandomWalkSpec, { task: 'random-walk', steps: 10, seed: 1, x: 1, y: 2 }, 'spec')
    expect(issues).toEqual([{ path: 'spec', message: 'unknown keys "x", "y"' }])
  })

  it('describes strings, missing values and objects in "(got …)"', () => {
    const issues = issuesOf(RandomWalkSpec, { task: 'random-walk', steps: 'ten', start: { a: 1 } })
    expect(issues).toEqual([
      { path: 'steps', message: 'must be a whole number (got "ten")' },
      { path: 'seed', message: 'must be a whole number (got nothing)' },
      { path: 'start', message: expect.stringMatching(/ \(got an? object\)$/) as unknown as string }
    ])
  })

  it('joins nested paths with dots', () => {
    const input = { spec: { task: 'random-walk', steps: 0, seed: 1 } }
    expect(issuesOf(methods['runs.start'].request, input)).toEqual([{ path: 'spec.steps', message: 'must be at least 1 (got 0)' }])
  })

  it('reports a seed above 2^32 - 1 with the value it got', () => {
    const issues = issuesOf(RandomWalkSpec, { task: 'random-walk', steps: 1, seed: 2 ** 32 })
    expect(issues).toEqual([{ path: 'seed', message: 'must be < 2^32 (got 4294967296)' }])
  })
})

describe('summariseIssues', () => {
  it('shows up to three issues as "path: message" and counts the rest', () => {
    const issues = [1, 2, 3, 4, 5].map((n) => ({ path: `f${n}`, message: `m${n}` }))
    expect(summariseIssues(issues)).toBe('f1: m1; f2: m2; f3: m3; and 2 more')
    expect(summariseIssues(issues.slice(0, 3))).toBe('f1: m1; f2: m2; f3: m3')
    expect(summariseIssues([])).toBe('')
  })
})

describe('describeValue', () => {
  it('shortens long strings to 40 characters and an ellipsis', () => {
    expect(describeValue('a'.repeat(41))).toBe(JSON.stringify(`${'a'.repeat(40)}…`))
    expect(describeValue('a'.repeat(40))).toBe(JSON.stringify('a'.repeat(40)))
  })

  it('names arrays by length and other values by kind', () => {
    expect(describeValue([1, 2, 3])).toBe('an array of 3')
    expect(describeValue(null)).toBe('null')
    expect(describeValue(true)).toBe('true')
    expect(describeValue(undefined)).toBe('nothing')
    expect(describeValue({})).toBe('an object')
  })
})

describe('RandomWalkSpec', () => {
  it('applies start 0, drift 0 and volatility 1 when they are omitted', () => {
    expect(RandomWalkSpec.parse({ task: 'random-walk', steps: 1000, seed: 7 })).toEqual({
      task: 'random-walk',
      steps: 1000,
      seed: 7,
      start: 0,
      drift: 0,
      volatility: 1
    })
  })

  it('keeps given values over the defaults', () => {
    const spec = RandomWalkSpec.parse({ task: 'random-walk', steps: 5, seed: 0, start: -3.5, drift: 0.25, volatility: 2 })
    expect(spec).toEqual({ task: 'random-walk', steps: 5, seed: 0, start: -3.5, drift: 0.25, volatility: 2 })
  })

  it('accepts exactly MAX_WALK_STEPS and refuses one more', () => {
    expect(MAX_WALK_STEPS).toBe(10_000_000)
    expect(RandomWalkSpec.safeParse({ task: 'random-walk', steps: MAX_WALK_STEPS, seed: 0 }).success).toBe(true)
    expect(RandomWalkSpec.safeParse({ task: 'random-walk', steps: MAX_WALK_STEPS + 1, seed: 0 }).success).toBe(false)
  })

  it('refuses a start beyond ±1e9, a drift beyond ±1000 and a non-positive volatility', () => {
    const issues = issuesOf(RandomWalkSpec, { task: 'random-walk', steps: 1, seed: 0, start: -2e9, drift: 1001, volatility: 0 })
    expect(issues).toEqual([
      { path: 'start', message: 'must be ≥ -1e9 (got -2000000000)' },
      { path: 'drift', message: 'must be ≤ 1000 per step (got 1001)' },
      { path: 'volatility', message: 'must be > 0 (got 0)' }
    ])
  })

  it('refuses non-finite numbers', () => {
    for (const field of ['start', 'drift', 'volatility']) {
      for (const value of [NaN, Infinity, -Infinity]) {
        expect(RandomWalkSpec.safeParse({ task: 'random-walk', steps: 1, seed: 0, [field]: value }).success, `${field} = ${value}`).toBe(false)
      }
    }
  })
})

describe('RunSpec', () => {
  it('refuses an unknown task with a message listing the allowed tasks', () => {
    const issues = issuesOf(RunSpec, { task: 'martingale', steps: 10, seed: 1 })
    expect(issues).toEqual([{ path: 'task', message: 'task must be one of: "random-walk", "lab" (got "martingale")' }])
  })

  it('refuses a spec with no task the same way', () => {
    const issues = issuesOf(RunSpec, { steps: 10, seed: 1 })
    expect(issues).toEqual([{ path: 'task', message: 'task must be one of: "random-walk", "lab" (got nothing)' }])
  })
})

describe('encodeWire / decodeWire', () => {
  it('round-trips nested Float64Arrays bit-exactly, including NaN, -0 and infinities', () => {
    const special = new Float64Array([NaN, -0, 0, Infinity, -Infinity, Number.MIN_VALUE, -Number.MAX_VALUE, 1 / 3])
    const message = { type: 'result', id: 4, ok: true, value: { a: [special, { deep: new Float64Array([2.5]) }] } }
    const back = decodeWire(encodeWire(message)) as typeof message
    const a = back.value.a[0] as Float64Array
    const deep = (back.value.a[1] as { deep: Float64Array }).deep
    expect(a).toBeInstanceOf(Float64Array)
    expect(sameBits(a, special)).toBe(true)
    expect(Object.is(a[0], NaN)).toBe(true)
    expect(Object.is(a[1], -0)).toBe(true)
    expect(Object.is(a[2], 0)).toBe(true)
    expect(a[3]).toBe(Infinity)
    expect(a[4]).toBe(-Infinity)
    expect(a[5]).toBe(Number.MIN_VALUE)
    expect(deep).toBeInstanceOf(Float64Array)
    expect(Array.from(deep)).toEqual([2.5])
  })

  it('keeps a non-canonical NaN payload', () => {
    const bytes = new Uint8Array(8)
    new DataView(bytes.buffer).setBigUint64(0, 0x7ff8_dead_beef_0001n, true)
    const series = new Float64Array(bytes.buffer)
    const back = decodeWire(encodeWire(series)) as Float64Array
    expect(new DataView(back.buffer, back.byteOffset).getBigUint64(0, true)).toBe(0x7ff8_dead_beef_0001n)
  })

  it('encodes only the viewed part of a subarray', () => {
    const whole = new Float64Array([1, 2, 3, 4, 5])
    const back = decodeWire(encodeWire({ s: whole.subarray(1, 3) })) as { s: Float64Array }
    expect(Array.from(back.s)).toEqual([2, 3])
  })

  it('round-trips an empty series', () => {
    const back = decodeWire(encodeWire({ s: new Float64Array(0) })) as { s: Float64Array }
    expect(back.s).toBeInstanceOf(Float64Array)
    expect(back.s.length).toBe(0)
  })

  it('leaves plain values as JSON would', () => {
    const plain = { s: 'x', n: 1.5, b: false, nil: null, arr: [1, 'two', { three: 3 }], obj: { $f64: 1 } }
    expect(decodeWire(encodeWire(plain))).toEqual(plain)
    expect(encodeWire(plain)).toBe(JSON.stringify(plain))
  })

  it('tags a series as {"$f64": base64 of its little-endian bytes}', () => {
    expect(encodeWire(new Float64Array([1]))).toBe('{"$f64":"AAAAAAAA8D8="}')
  })

  it('does not treat an object with $f64 and other keys as a series', () => {
    const value = { $f64: 'AAAAAAAA8D8=', other: 1 }
    expect(decodeWire(JSON.stringify(value))).toEqual(value)
  })

  it('rejects a $f64 payload whose byte length is not a multiple of 8', () => {
    const sevenBytes = btoa('\x00'.repeat(7))
    expect(() => decodeWire(JSON.stringify({ $f64: sevenBytes }))).toThrow(SyntaxError)
    expect(() => decodeWire(JSON.stringify({ $f64: sevenBytes }))).toThrow('not a multiple of 8 bytes')
  })

  it('any array of doubles round-trips bit-exactly', () => {
    fc.assert(
      fc.property(fc.array(fc.double()), (values) => {
        const series = new Float64Array(values)
        const back = decodeWire(encodeWire({ series })) as { series: Float64Array }
        return back.series instanceof Float64Array && sameBits(back.series, series)
      }),
      { numRuns: 300 }
    )
  })

  it('carries a Float32Array as {"$f32": base64}, bit-exactly, and refuses a ragged one', () => {
    expect(encodeWire(new Float32Array([1]))).toBe('{"$f32":"AACAPw=="}')
    fc.assert(
      fc.property(fc.array(fc.float()), (values) => {
        const series = new Float32Array(values)
        const back = decodeWire(encodeWire({ series })) as { series: Float32Array }
        return back.series instanceof Float32Array && Buffer.from(back.series.buffer, back.series.byteOffset, back.series.byteLength).equals(Buffer.from(series.buffer))
      })
    )
    expect(() => decodeWire(JSON.stringify({ $f32: btoa('\x00'.repeat(6)) }))).toThrow('a "$f32" value holds 6 bytes, not a multiple of 4 bytes (one per float32)')
  })

  it('any bit pattern of float64 round-trips', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), { maxLength: 50 }), (patterns) => {
        const series = new Float64Array(patterns.length)
        const view = new DataView(series.buffer)
        patterns.forEach((p, i) => view.setBigUint64(i * 8, p, true))
        const back = decodeWire(encodeWire(series)) as Float64Array
        return sameBits(back, series)
      })
    )
  })
})

describe('ApiError', () => {
  it('round-trips through toShape and fromShape with issues', () => {
    const error = new ApiError('invalid_params', 'runs.start: spec.steps: too big', [{ path: 'spec.steps', message: 'too big' }])
    const shape = error.toShape()
    expect(shape).toEqual({ code: 'invalid_params', message: 'runs.start: spec.steps: too big', issues: [{ path: 'spec.steps', message: 'too big' }] })
    expect(ApiErrorShape.safeParse(shape).success).toBe(true)
    const back = ApiError.fromShape(shape)
    expect(back).toBeInstanceOf(ApiError)
    expect(back.name).toBe('ApiError')
    expect(back.code).toBe('invalid_params')
    expect(back.message).toBe('runs.start: spec.steps: too big')
    expect(back.issues).toEqual(shape.issues)
    expect(back.toShape()).toEqual(shape)
  })

  it('omits the issues key when there are none, and carries no stack', () => {
    const shape = new ApiError('not_found', 'Run 9 does not exist.').toShape()
    expect(shape).toEqual({ code: 'not_found', message: 'Run 9 does not exist.' })
    expect(Object.keys(shape).sort()).toEqual(['code', 'message'])
    expect(ApiErrorShape.safeParse(shape).success).toBe(true)
  })

  it('shape schema refuses unknown codes and extra keys', () => {
    expect(ApiErrorShape.safeParse({ code: 'teapot', message: 'x' }).success).toBe(false)
    expect(ApiErrorShape.safeParse({ code: 'internal', message: 'x', stack: 'at x' }).success).toBe(false)
  })
})

describe('verification status', () => {
  it('is one vocabulary of four words, shared by the manifest and the audit, each marked by one class', () => {
    expect(VerificationStatus.options).toEqual(['Not verified', 'Verified', 'Findings', 'Chain broken'])
    expect(RunManifest.shape.verificationStatus).toBe(VerificationStatus)
    expect(RunAudit.shape.verificationStatus).toBe(VerificationStatus)
    expect(VerificationStatus.options.map(verificationStatusClass)).toEqual([
      'verification-not-verified',
      'verification-verified',
      'verification-findings',
      'verification-chain-broken'
    ])
  })

  it('no longer accepts the manifest\'s old "Mismatch"', () => {
    expect(VerificationStatus.safeParse('Mismatch').success).toBe(false)
  })
})

describe('SurfaceFrames', () => {
  const f64 = (...values: number[]) => Float64Array.from(values)
  const curve = {
    runId: 1,
    lab: 'a-curve-lab',
    name: 'curve',
    unit: 'yield',
    layout: 'curve',
    axes: [{ name: 'tenor', unit: 'years', labels: ['2y', '10y'], values: [2, 10] }],
    size: 2,
    steps: 10,
    from: 0,
    stride: 1,
    t: f64(0, 1),
    regime: f64(0, 0),
    regimeNames: ['calm', 'stress'],
    frames: f64(1, 2, 3, 4),
    summaries: [{ name: 'mean', unit: 'yield', description: 'average', values: f64(1.5, 3.5), source: 'generic' }]
  }

  it('carries the lab\'s features as summaries marked lab, and per-point companions beside the frames', () => {
    const answer = {
      ...curve,
      summaries: [...curve.summaries, { name: 'z slope', unit: 'σ', description: 'the slope\'s z-score', values: f64(0.1, -0.2), source: 'lab' }],
      companions: [{ name: 'DV01', unit: 'per unit face per bp', description: 'P(y) − P(y + 1bp)', values: f64(1e-4, 8e-4, 1.1e-4, 8.1e-4) }]
    }
    const parsed = methods['runs.surfaces'].response.parse(answer)
    expect(parsed.summaries.map((s) => s.source)).toEqual(['generic', 'lab'])
    expect(parsed.companions?.[0]?.values).toBe(answer.companions[0]!.values)
    // summaries only: the companions say what they are, without values
    expect(SurfaceFrames.safeParse({ ...answer, frames: null, companions: [{ ...answer.companions[0], values: null }] }).success).toBe(true)
  })

  it('leaves both optional, so a surface without them (or an older answer) still parses', () => {
    const { source: _source, ...unmarked } = curve.summaries[0]!
    expect(SurfaceFrames.safeParse({ ...curve, summaries: [unmarked] }).success).toBe(true)
  })

  it('refuses an unknown source, a companion that is not a Float64Array, and unknown keys', () => {
    expect(SurfaceFrames.safeParse({ ...curve, summaries: [{ ...curve.summaries[0], source: 'renderer' }] }).success).toBe(false)
    expect(SurfaceFrames.safeParse({ ...curve, companions: [{ name: 'price', unit: '', description: '', values: [1, 2] }] }).success).toBe(false)
    expect(SurfaceFrames.safeParse({ ...curve, companions: [{ name: 'price', unit: '', description: '', values: null, points: 2 }] }).success).toBe(false)
    expect(SurfaceFrames.safeParse({ ...curve, features: [] }).success).toBe(false)
  })
})
