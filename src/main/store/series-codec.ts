/**
 * Results JSON keeps its shape in SQLite while its Float64Array series live as BLOBs in
 * run_series: each series is replaced by {"$series": "<path>"} and put back on read.
 */
export interface SplitResults {
  json: string
  series: Array<{ name: string; data: Float64Array }>
}

export function splitSeries(results: unknown): SplitResults {
  const series: SplitResults['series'] = []
  const walk = (value: unknown, path: string): unknown => {
    if (value instanceof Float64Array) {
      series.push({ name: path, data: value })
      return { $series: path }
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}.${i}`))
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]))
    }
    return value
  }
  return { json: JSON.stringify(walk(results, '')), series }
}

export function joinSeries(json: string, series: ReadonlyMap<string, Float64Array>): unknown {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const name = (value as Record<string, unknown>).$series
      if (typeof name === 'string' && Object.keys(value).length === 1) {
        const data = series.get(name)
        if (!data) throw new Error(`series "${name}" is missing from the store`)
        return data
      }
    }
    return value
  })
}

/** SQLite hands BLOBs back unaligned; copy into an aligned Float64Array. */
export function blobToFloat64(blob: Buffer): Float64Array {
  if (blob.byteLength % 8 !== 0) throw new Error(`a stored series has ${blob.byteLength} bytes, not a multiple of 8`)
  const out = new Float64Array(blob.byteLength / 8)
  new Uint8Array(out.buffer).set(blob)
  return out
}

export function float64ToBlob(data: Float64Array): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}
