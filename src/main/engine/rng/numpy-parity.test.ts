import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { exp, fma, log, log1p } from './libm'
import { RandomState } from './mt19937'
import { Generator, PCG64, SeedSequence } from './pcg64'

// Fixtures come from tools/fixtures/numpy-rng.py (NumPy 2.4.6, glibc 2.36, x86-64 with FMA);
// each call records the Python that produced it. Doubles are compared with Object.is.

interface FixtureCall {
  method: string
  args: unknown[]
  kwargs?: { p?: number[] }
  size?: number
  repeat?: number
  python: string
  out?: unknown
  digest?: { sha256: string; dtype: 'float64' | 'int64'; head: number[]; tail: number[] }
}

interface FixtureCase {
  name: string
  kind: 'legacy' | 'generator'
  seed: number | string | (number | string)[]
  setup: string
  calls: FixtureCall[]
}

interface FixtureFile {
  provenance: Record<string, unknown>
  cases: FixtureCase[]
  seedSequences?: { entropy: number | string | (number | string)[]; spawn_key: number[]; spawn?: number; python: string; words: number[] | number[][] }[]
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8')) as T
}

type Value = number | string
type Draws = Value | ArrayLike<Value>
const num = (v: unknown): number => v as number

/** One NumPy call on a RandomState; size= uses the vector helper where there is one. */
function legacyCall(rs: RandomState, c: FixtureCall): Draws {
  const [a0, a1] = c.args
  const n = c.size
  const loop = (f: () => Value): Draws => (n === undefined ? f() : Array.from({ length: n }, f))
  switch (c.method) {
    case 'random_sample':
      return n === undefined ? rs.randomSample() : rs.randomSampleArray(n)
    case 'standard_normal':
      return n === undefined ? rs.standardNormal() : rs.standardNormalArray(n)
    case 'normal':
      return n === undefined ? rs.normal(num(a0), num(a1)) : rs.normalArray(num(a0), num(a1), n)
    case 'uniform':
      return n === undefined ? rs.uniform(num(a0), num(a1)) : rs.uniformArray(num(a0), num(a1), n)
    case 'randint':
      return n === undefined ? rs.randint(num(a0), a1 as number | undefined) : rs.randintArray(num(a0), a1 as number | undefined, n)
    case 'choice':
      if (Array.isArray(a0)) return loop(() => rs.choice(a0 as string[], c.kwargs?.p))
      return n === undefined ? rs.choice(num(a0), c.kwargs?.p) : rs.choiceArray(num(a0), n, c.kwargs?.p)
    case 'lognormal':
      return loop(() => rs.lognormal(num(a0), num(a1)))
    case 'exponential':
      return loop(() => rs.exponential(num(a0)))
    case 'poisson':
      return loop(() => rs.poisson(num(a0)))
    case 'binomial':
      return loop(() => rs.binomial(num(a0), num(a1)))
    default:
      throw new Error(`no legacy method ${c.method}`)
  }
}

function generatorCall(g: Generator, c: FixtureCall): Draws {
  const [a0, a1] = c.args
  const n = c.size
  const loop = (f: () => Value): Draws => (n === undefined ? f() : Array.from({ length: n }, f))
  switch (c.method) {
    case 'random':
      return n === undefined ? g.random() : g.randomArray(n)
    case 'standard_normal':
      return n === undefined ? g.standardNormal() : g.standardNormalArray(n)
    case 'normal':
      return n === undefined ? g.normal(num(a0), num(a1)) : g.normalArray(num(a0), num(a1), n)
    case 'uniform':
      return n === undefined ? g.uniform(num(a0), num(a1)) : g.uniformArray(num(a0), num(a1), n)
    case 'integers':
      return n === undefined ? g.integers(num(a0), a1 as number | undefined) : g.integersArray(num(a0), a1 as number | undefined, n)
    case 'choice':
      if (Array.isArray(a0)) return loop(() => g.choice(a0 as string[], c.kwargs?.p))
      return n === undefined ? g.choice(num(a0), c.kwargs?.p) : g.choiceArray(num(a0), n, c.kwargs?.p)
    case 'lognormal':
      return loop(() => g.lognormal(num(a0), num(a1)))
    case 'standard_exponential':
      return loop(() => g.standardExponential())
    case 'exponential':
      return loop(() => g.exponential(num(a0)))
    case 'poisson':
      return loop(() => g.poisson(num(a0)))
    case 'binomial':
      return loop(() => g.binomial(num(a0), num(a1)))
    default:
      throw new Error(`no generator method ${c.method}`)
  }
}

/** The first difference between our draws and NumPy's, or null; counts compared values. */
function firstMismatch(actual: Draws, expected: unknown, stats: { values: number }): string | null {
  const act = typeof actual === 'object' ? Array.from(actual) : [actual]
  const exp = Array.isArray(expected) ? expected : [expected]
  if (act.length !== exp.length) return `length ${act.length} vs ${exp.length}`
  for (let i = 0; i < act.length; i++) if (!Object.is(act[i], exp[i])) return `[${i}]: ${String(act[i])} vs NumPy ${String(exp[i])}`
  stats.values += act.length
  return null
}

function sha256Of(values: ArrayLike<Value>, dtype: 'float64' | 'int64'): string {
  const bytes = dtype === 'float64' ? Float64Array.from(values as ArrayLike<number>) : BigInt64Array.from(values as ArrayLike<number>, (v) => BigInt(v))
  return createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex')
}

function legacyState(rs: RandomState): unknown {
  const s = rs.getState()
  return {
    pos: s.pos,
    has_gauss: s.hasGauss,
    gauss: s.gauss,
    key_head: Array.from(s.key.subarray(0, 8)),
    key_sha256: createHash('sha256').update(new Uint8Array(s.key.buffer)).digest('hex')
  }
}

function generatorState(g: Generator): unknown {
  const s = g.bitGenerator.getState()
  return { state: String(s.state), inc: String(s.inc), has_uint32: s.hasUint32, uinteger: s.uinteger }
}

const toSeed = (s: number | string): number | bigint => (typeof s === 'string' ? BigInt(s) : s)

/** Replays a fixture case; returns [mismatch description | null, values checked]. */
function replay(kase: FixtureCase): [string | null, number] {
  const stats = { values: 0 }
  const legacy = kase.kind === 'legacy'
  const rs = legacy ? new RandomState(kase.seed as number | number[]) : null
  const g = legacy ? null : new Generator(Array.isArray(kase.seed) ? kase.seed.map(toSeed) : toSeed(kase.seed))
  for (const call of kase.calls) {
    let problem: string | null
    if (call.method === 'seed') {
      rs!.seed(call.args[0] as number)
      continue
    } else if (call.method === 'state') {
      const actual = rs ? legacyState(rs) : generatorState(g!)
      problem = JSON.stringify(actual) === JSON.stringify(call.out) ? null : `state ${JSON.stringify(actual)} vs ${JSON.stringify(call.out)}`
    } else {
      const once = { ...call, size: undefined }
      const draws =
        call.repeat !== undefined
          ? Array.from({ length: call.repeat }, () => (rs ? legacyCall(rs, once) : generatorCall(g!, once)) as Value)
          : rs
            ? legacyCall(rs, call)
            : generatorCall(g!, call)
      if (call.digest) {
        const arr = draws as ArrayLike<Value>
        problem = firstMismatch(Array.from(arr).slice(0, 4), call.digest.head, stats)
        if (problem === null && sha256Of(arr, call.digest.dtype) !== call.digest.sha256) problem = 'sha256 of the run differs'
        stats.values += arr.length - 4
      } else {
        problem = firstMismatch(draws, call.out, stats)
      }
    }
    if (problem !== null) return [`${kase.setup}; ${call.python} -> ${problem}`, stats.values]
  }
  return [null, stats.values]
}

for (const file of ['numpy-legacy.json', 'numpy-generator.json']) {
  const fixture = load<FixtureFile>(file)
  describe(`NumPy parity: ${file} (numpy ${String(fixture.provenance.numpy)})`, () => {
    for (const kase of fixture.cases) {
      it(kase.name, () => {
        const [problem, checked] = replay(kase)
        expect(problem).toBeNull()
        expect(checked).toBeGreaterThan(0)
      })
    }
  })
}

describe('SeedSequence', () => {
  const { seedSequences = [] } = load<FixtureFile>('numpy-generator.json')
  it.each(seedSequences.map((c) => [c.python, c] as const))('%s', (_python, c) => {
    const entropy = Array.isArray(c.entropy) ? c.entropy.map(toSeed) : toSeed(c.entropy)
    const seq = new SeedSequence(entropy, c.spawn_key)
    const words = c.spawn === undefined ? Array.from(seq.generateState(8)) : seq.spawn(c.spawn).map((child) => Array.from(child.generateState(4)))
    expect(words).toEqual(c.words)
  })
})

describe('glibc log/exp replay', () => {
  const libm = load<Record<'log' | 'exp' | 'log1p', [number, number][]>>('libm.json')
  it.each([
    ['log', log, libm.log],
    ['exp', exp, libm.exp],
    ['log1p', log1p, libm.log1p]
  ] as const)('%s matches glibc on every fixture input', (_name, fn, pairs) => {
    const bad = pairs.filter(([x, y]) => !Object.is(fn(x), y))
    expect(bad).toEqual([])
    expect(pairs.length).toBeGreaterThan(1000)
  })

  it('fma rounds once, including at exact ties where a*b + c rounded twice would not', () => {
    const e = 2 ** -52
    // (1 + e)^2 + 2^-53: the exact sum lies just above a midpoint; plain arithmetic ties to even.
    expect(fma(1 + e, 1 + e, 2 ** -53)).toBe(1 + 3 * e)
    expect((1 + e) * (1 + e) + 2 ** -53).toBe(1 + 2 * e)
    expect(fma(1 + e, 1 - e, -1)).toBe(-(2 ** -104))
    expect(fma(0, 5, 3)).toBe(3)
  })

  it('fma agrees with exact BigInt arithmetic on random operands, tiny and huge ones included', () => {
    const rs = new RandomState(99)
    const draw = (lo: number, hi: number): number => (rs.randomSample() - 0.5) * 2 ** rs.randint(lo, hi)
    const cases: [number, number, number][] = []
    for (let i = 0; i < 3000; i++) cases.push([draw(-30, 30), draw(-30, 30), draw(-60, 60)])
    for (let i = 0; i < 300; i++) cases.push([draw(-600, -450), draw(-600, -450), draw(-1000, -950)])
    for (let i = 0; i < 300; i++) cases.push([draw(900, 1000), draw(-20, 20), draw(900, 1010)])
    const normalResults = cases.filter(([a, b, c]) => Math.abs(exactFma(a, b, c)) >= 2 ** -1022)
    for (const [a, b, c] of normalResults) expect(fma(a, b, c)).toBe(exactFma(a, b, c))
    expect(normalResults.length).toBeGreaterThan(3500)
  })
})

/** a*b + c rounded once to nearest-even, via scaled BigInt integers (test reference only). */
function exactFma(a: number, b: number, c: number): number {
  const SHIFT = 2400n
  const toFixed = (x: number, scale: bigint): bigint => {
    // x = m * 2^e exactly; returns x * 2^scale as a BigInt (scale large enough to be exact)
    const [m, ex] = decompose(x)
    return ex + scale >= 0n ? m << (ex + scale) : m >> -(ex + scale)
  }
  const exact = toFixed(a, SHIFT / 2n) * toFixed(b, SHIFT / 2n) + toFixed(c, SHIFT)
  if (exact === 0n) return 0
  const neg = exact < 0n
  let mag = neg ? -exact : exact
  let e = -SHIFT
  const bits = mag.toString(2).length
  if (bits > 53) {
    const drop = BigInt(bits - 53)
    const half = 1n << (drop - 1n)
    const rem = mag & ((1n << drop) - 1n)
    mag >>= drop
    e += drop
    if (rem > half || (rem === half && (mag & 1n) === 1n)) mag += 1n
  }
  const v = Number(mag) * 2 ** Number(e)
  return neg ? -v : v
}

function decompose(x: number): [bigint, bigint] {
  if (x === 0) return [0n, 0n]
  let e = 0
  let m = x
  while (!Number.isInteger(m)) {
    m *= 2
    e--
  }
  return [BigInt(m), BigInt(e)]
}

describe('generator state and independence', () => {
  it('RandomState keeps the second polar deviate across other calls and drops it on reseed', () => {
    const rs = new RandomState(42)
    const first = rs.standardNormal()
    expect(rs.getState().hasGauss).toBe(true)
    const cached = rs.getState().gauss
    rs.randomSample()
    rs.randint(0, 10)
    expect(rs.standardNormal()).toBe(cached)
    expect(rs.getState().hasGauss).toBe(false)
    rs.standardNormal()
    rs.seed(42)
    expect(rs.getState().hasGauss).toBe(false)
    expect(rs.standardNormal()).toBe(first)
  })

  it('instances with the same seed give the same streams, independently of each other', () => {
    const a = new RandomState(7)
    const b = new RandomState(7)
    const xs = Array.from({ length: 50 }, () => a.standardNormal())
    b.randomSample() // advancing b does not move a
    const c = new RandomState(7)
    expect(Array.from({ length: 50 }, () => c.standardNormal())).toEqual(xs)

    const g1 = new Generator(7)
    const g2 = new Generator(7)
    const ys = [g1.standardNormal(), g1.integers(0, 10), g1.random()]
    g2.random()
    const g3 = new Generator(7)
    expect([g3.standardNormal(), g3.integers(0, 10), g3.random()]).toEqual(ys)
    expect(g2.bitGenerator.getState().state).not.toBe(g1.bitGenerator.getState().state)
  })

  it('a re-seeded Generator starts exactly as default_rng(seed) would, its 32-bit buffer dropped', () => {
    const g = new Generator(5)
    for (const seed of [0, 1, 21, 123456789, 4294967295, 4294967296, 2 ** 40 + 3, Number.MAX_SAFE_INTEGER]) {
      g.nextUint32() // leaves the high half buffered
      g.reseed(seed)
      const fresh = new Generator(seed)
      expect(g.bitGenerator.getState()).toEqual(fresh.bitGenerator.getState())
      expect([g.standardNormal(), g.nextUint32(), g.random(), g.nextUint32()]).toEqual([fresh.standardNormal(), fresh.nextUint32(), fresh.random(), fresh.nextUint32()])
    }
    expect(() => g.reseed(-1)).toThrow(RangeError)
    expect(() => g.reseed(1.5)).toThrow(RangeError)
  })

  it('a PCG64 passed to two Generators is shared, as in NumPy', () => {
    const bg = new PCG64(3)
    const g1 = new Generator(bg)
    const g2 = new Generator(bg)
    const ref = new Generator(3)
    expect([g1.random(), g2.random()]).toEqual([ref.random(), ref.random()])
  })
})
