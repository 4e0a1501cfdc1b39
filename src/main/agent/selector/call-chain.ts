import { createHash } from 'node:crypto'
import { canonicalJson } from '../../engine/hashing'
import type { AgentCall } from './call'

// The run's agent calls as a hash chain of their own, like the decision log's:
//   link_i = sha256(link_{i−1} ‖ canonical JSON of call i)
// Its head goes into the manifest (manifest.agent.callsHead), so changing, dropping, adding or
// reordering a stored call — a prompt, a reply, a reason — shows against the run as written.
export const AGENT_GENESIS = createHash('sha256').update('mechanica agent calls v1').digest()

export function linkCall(previous: Uint8Array, call: AgentCall): Buffer {
  return createHash('sha256').update(previous).update(canonicalJson(call)).digest()
}

/** Folds the calls as they come; `links` are kept for the store (one per call, 32 bytes each). */
export class AgentCallChain {
  private previous: Buffer = AGENT_GENESIS
  readonly links: Buffer[] = []

  add(call: AgentCall): Buffer {
    this.previous = linkCall(this.previous, call)
    this.links.push(this.previous)
    return this.previous
  }

  get head(): string {
    return this.previous.toString('hex')
  }
}

/** Where a stored list of calls first fails its links or the expected head; null when it verifies. */
export function verifyCalls(calls: ReadonlyArray<{ call: AgentCall; link: Uint8Array }>, expectedHead: string | null): { index: number; problem: string } | null {
  let previous: Buffer = AGENT_GENESIS
  for (let i = 0; i < calls.length; i++) {
    const next = linkCall(previous, calls[i]!.call)
    if (Buffer.compare(next, Buffer.from(calls[i]!.link)) !== 0) return { index: i, problem: `call ${i} (step ${calls[i]!.call.t}) does not match its link: changed, inserted or reordered` }
    previous = next
  }
  if (expectedHead !== null && previous.toString('hex') !== expectedHead) return { index: calls.length, problem: `the stored calls end on another head than the manifest's: calls missing at the end` }
  return null
}
