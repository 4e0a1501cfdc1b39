import { describe, expect, it } from 'vitest'
import { npMean, npStd, npSum, npTanh } from './numpy'

// Reference values printed by NumPy 2.4.6 on x86-64 with AVX-512 (the fixtures' machine).

describe('npTanh reproduces np.tanh on float64 bit for bit', () => {
  // one point per interval of the table, the saturation, negatives, and inputs where V8's Math.tanh differs
  const cases: Array<[number, number]> = [
    [0.0, 0.0],
    [1e-300, 1e-300],
    [0.05, 0.04995837495787997],
    [0.1875, 0.1853331999081395],
    [0.2, 0.197375320224904],
    [0.3, 0.2913126124515909],
    [0.4, 0.3799489622552249],
    [0.55, 0.5005202111902353],
    [0.8, 0.664036770267849],
    [1.1, 0.8004990217606297],
    [1.6, 0.9216685544064713],
    [2.2, 0.9757431300314515],
    [3.1, 0.9959493592219002],
    [4.4, 0.9996985792838805],
    [6.1, 0.9999899391393965],
    [9.0, 0.9999999695400409],
    [12.5, 0.9999999999722241],
    [18.0, 0.9999999999999996],
    [23.9, 1.0],
    [30.0, 1.0],
    [-0.7, -0.6043677771171634],
    [-2.5, -0.9866142981514303],
    [0.7170430227188884, 0.6150743414345048],
    [1.7901865740089131, 0.9457802525747209],
    [2.288450301226269, 0.9796360195537234],
    [1.0931200003237718, 0.798014070325953],
    [0.1628854934252688, 0.16146007685224376],
    [2.0765535924281426, 0.969055292743442]
  ]

  it.each(cases)('tanh(%s) = %s', (x, y) => {
    expect(npTanh(x)).toBe(y)
  })

  it('keeps the sign of zero, saturates at infinity and propagates NaN', () => {
    expect(Object.is(npTanh(-0), -0)).toBe(true)
    expect(npTanh(Number.POSITIVE_INFINITY)).toBe(1)
    expect(npTanh(Number.NEGATIVE_INFINITY)).toBe(-1)
    expect(npTanh(Number.NaN)).toBeNaN()
  })

  it('differs from Math.tanh where NumPy does (why the port exists)', () => {
    const differ = cases.slice(-6).filter(([x, y]) => Math.tanh(x) !== y)
    expect(differ.length).toBeGreaterThan(0)
  })
})

describe('npSum, npMean, npStd follow NumPy pairwise summation', () => {
  // exactly representable the same way in both languages (one correctly rounded division and product)
  const a = Array.from({ length: 300 }, (_, i) => ((((i * 7919) % 1013) - 506) / 7.0) * 10.0 ** (i % 4))
  // [n, np.sum(a[:n]), np.mean(a[:n]), np.std(a[:n])]; from n = 8 on a left-to-right sum differs
  const reference: Array<[number, number, number, number]> = [
    [5, -4545.571428571428, -909.1142857142856, 3063.863755696292],
    [8, 32857.28571428571, 4107.160714285714, 11090.224094743078],
    [13, 99129.14285714286, 7625.318681318681, 20468.698362234103],
    [128, 181024.14285714287, 1414.2511160714287, 20753.90275413998],
    [129, 181042.14285714287, 1403.4274640088595, 20673.667440960246],
    [300, 58614.57142857145, 195.38190476190482, 20910.80630068159]
  ]

  it.each(reference)('n = %i', (n, sum, mean, std) => {
    const x = a.slice(0, n)
    expect(npSum(x)).toBe(sum)
    expect(npMean(x)).toBe(mean)
    expect(npStd(x)).toBe(std)
  })

  it('sums strided views (a matrix column) and is empty-safe', () => {
    const matrix = Float64Array.of(1, 10, 2, 20, 3, 30)
    expect(npSum(matrix, 1, 3, 2)).toBe(60)
    expect(npMean(matrix, 0, 3, 2)).toBe(2)
    expect(npMean([])).toBeNaN()
  })
})
