import { STREAM_MAX_BUCKETS, STREAM_SAMPLED_COLUMNS } from '../../shared/contract/stream-columns'
import { bucketWidth, conflateMinMax } from '../../shared/series-conflation'
import type { Db } from './database'
import { blobToFloat64, float64ToBlob } from './series-codec'

interface StoredRow {
  run_id: number
  results_json: string
}

/** The per-step chart series of a v6 lab result, by the name the v7 conflated series uses. */
const V6_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['equity', 'series.equity'],
  ['drawdown', 'series.drawdown'],
  ['leverage', 'series.leverage'],
  ['cumulativeCost', 'series.cumulativeCost'],
  ['regime', 'series.regime'],
  ['action', 'series.action']
]

/**
 * Schema v7: a lab result's chart series were stored one value per step (v6); they are stored
 * conflated to STREAM_MAX_BUCKETS buckets now, as the engine writes them, so a run's results
 * stay small whatever its length. Every step is still in the decision log. Random walks keep
 * their path.
 */
export function conflateStoredSeries(db: Db): void {
  const rows = db.prepare("SELECT run_id, results_json FROM run_results WHERE kind = 'lab'").all() as StoredRow[]
  const seriesOf = db.prepare('SELECT name, data FROM run_series WHERE run_id = ?')
  const dropSeries = db.prepare('DELETE FROM run_series WHERE run_id = ?')
  const insertSeries = db.prepare('INSERT INTO run_series (run_id, name, data) VALUES (?, ?, ?)')
  const updateResults = db.prepare('UPDATE run_results SET results_json = ? WHERE run_id = ?')
  for (const row of rows) {
    const results = JSON.parse(row.results_json) as { steps: number; costComponents: string[]; series: Record<string, unknown> }
    if ('bucket' in results.series) continue
    if (!('equity' in results.series)) {
      // A result stored without chart series (none of v6's names): it keeps none; its decision log is intact.
      results.series = { bucket: 1, t: { $series: 'series.t' }, columns: {} }
      dropSeries.run(row.run_id)
      insertSeries.run(row.run_id, 'series.t', float64ToBlob(new Float64Array(0)))
      updateResults.run(JSON.stringify(results), row.run_id)
      continue
    }
    const stored = new Map((seriesOf.all(row.run_id) as Array<{ name: string; data: Buffer }>).map((s) => [s.name, blobToFloat64(s.data)]))
    const read = (name: string): Float64Array => {
      const data = stored.get(name)
      if (!data) throw new Error(`run #${row.run_id}: its stored series "${name}" is missing; the results cannot be converted`)
      return data
    }
    const columns: Record<string, Float64Array> = Object.fromEntries(V6_COLUMNS.map(([name, stored]) => [name, read(stored)]))
    for (const c of results.costComponents) columns[`cost:${c}`] = read(`series.cumulativeCostByComponent.${c}`)
    const n = columns.equity!.length
    const bucket = bucketWidth(n, STREAM_MAX_BUCKETS)
    const conflated = conflateMinMax(columns, n, { width: bucket, sampled: new Set(STREAM_SAMPLED_COLUMNS) })
    const names = ['series.t', ...Object.keys(conflated.columns).map((name) => `series.columns.${name}`)]
    results.series = { bucket, t: { $series: names[0] }, columns: Object.fromEntries(Object.keys(conflated.columns).map((name, k) => [name, { $series: names[k + 1] }])) }
    dropSeries.run(row.run_id)
    insertSeries.run(row.run_id, 'series.t', float64ToBlob(conflated.t))
    for (const [name, data] of Object.entries(conflated.columns)) insertSeries.run(row.run_id, `series.columns.${name}`, float64ToBlob(data))
    updateResults.run(JSON.stringify(results), row.run_id)
  }
}
