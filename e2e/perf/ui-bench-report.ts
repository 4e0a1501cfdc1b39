import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { root } from '../support/host'

/** Merges one bench's figures into test-results/ui-bench.json, keeping the other benches' keys. */
export function mergeUiBench(entries: Record<string, unknown>): void {
  const file = join(root, 'test-results', 'ui-bench.json')
  mkdirSync(join(root, 'test-results'), { recursive: true })
  let report: Record<string, unknown> = {}
  if (existsSync(file)) {
    try {
      report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>
    } catch {
      report = {}
    }
  }
  writeFileSync(file, JSON.stringify({ ...report, ...entries }, null, 2))
}
