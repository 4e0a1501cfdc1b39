import { createHash } from 'node:crypto'
import type { RunManifest } from '../../../shared/contract'
import { canonicalJson, configHash } from '../hashing'
import type { LabRun } from './run'

function update(hash: ReturnType<typeof createHash>, view: ArrayBufferView): void {
  hash.update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength))
}

/**
 * sha256 over every column's bytes in a fixed order, then the constraint events and
 * rationales as canonical JSON: any change in any step changes the hash.
 */
export function labResultsHash(run: LabRun<unknown>): string {
  const hash = createHash('sha256')
  const c = run.columns
  for (const view of [c.t, c.regime, c.action, c.source, c.rationale, c.position, c.trade, c.markPnl, c.cost, c.netPnl, c.markedEquity, c.equity, c.drawdown, c.leverage]) {
    update(hash, view)
  }
  for (const name of Object.keys(c.pnlByComponent).sort()) update(hash, c.pnlByComponent[name]!)
  for (const name of Object.keys(c.costByComponent).sort()) update(hash, c.costByComponent[name]!)
  hash.update(canonicalJson({ events: run.events, rationales: run.rationales, finalEquity: run.finalEquity, halted: run.halted }))
  return hash.digest('hex')
}

export function buildManifest(args: {
  lab: string
  preset: string
  seed: number
  config: unknown
  codeVersion: string
  environment: RunManifest['environment']
  run: LabRun<unknown>
}): RunManifest {
  return {
    lab: args.lab,
    preset: args.preset,
    seed: args.seed,
    configHash: configHash({ lab: args.lab, config: args.config }),
    codeVersion: args.codeVersion,
    environment: args.environment,
    resultsHash: labResultsHash(args.run),
    // A run is "Not verified" until a reviewer signs it off (book §1.2); src/main/audit derives the live status.
    verificationStatus: 'Not verified'
  }
}
