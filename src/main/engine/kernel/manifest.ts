import { createHash, type Hash } from 'node:crypto'
import type { RunManifest } from '../../../shared/contract'
import { canonicalJson, configHash } from '../hashing'
import type { RunEnd, RunObserver, StepChunk } from './observers'

function update(hash: Hash, view: ArrayBufferView): void {
  hash.update(new Uint8Array(view.buffer, view.byteOffset, view.byteLength))
}

/**
 * The results hash, folded chunk by chunk as the run advances: for each chunk, every column's
 * bytes in a fixed order (components by name), then the chunk's constraint events as canonical
 * JSON; at the end the rationale table, final equity and whether the run halted. Any change in
 * any step changes it, and it needs no step kept in memory.
 */
export class ResultsHasher implements RunObserver<string> {
  private readonly hash = createHash('sha256')

  onChunk(chunk: StepChunk): void {
    const c = chunk.columns
    for (const view of [c.t, c.regime, c.action, c.source, c.rationale, c.position, c.trade, c.markPnl, c.cost, c.netPnl, c.markedEquity, c.equity, c.drawdown, c.leverage]) {
      update(this.hash, view)
    }
    for (const name of Object.keys(c.pnlByComponent).sort()) update(this.hash, c.pnlByComponent[name]!)
    for (const name of Object.keys(c.costByComponent).sort()) update(this.hash, c.costByComponent[name]!)
    if (chunk.events.length > 0) this.hash.update(canonicalJson({ events: chunk.events }))
  }

  finish(end: RunEnd): string {
    this.hash.update(canonicalJson({ rationales: end.rationales, finalEquity: end.finalEquity, halted: end.halted, ...(end.haltReason === undefined ? {} : { haltReason: end.haltReason }) }))
    return this.hash.digest('hex')
  }
}

export function buildManifest(args: {
  lab: string
  preset: string
  seed: number
  config: unknown
  codeVersion: string
  environment: RunManifest['environment']
  resultsHash: string
}): RunManifest {
  return {
    lab: args.lab,
    preset: args.preset,
    seed: args.seed,
    configHash: configHash({ lab: args.lab, config: args.config }),
    codeVersion: args.codeVersion,
    environment: args.environment,
    resultsHash: args.resultsHash,
    // A run is "Not verified" until a reviewer signs it off (book §1.2); src/main/audit derives the live status.
    verificationStatus: 'Not verified'
  }
}
