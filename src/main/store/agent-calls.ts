import type { AgentCall } from '../agent/selector/call'
import { verifyCalls } from '../agent/selector/call-chain'
import type { Db } from './database'

/**
 * The book's agent calls of each run (table agent_calls): appended as the run advances, read
 * back for the decision log (prompt and reply of a step), for a replay without the model, and
 * verified against the head of their chain in the manifest.
 */
export class AgentCallsStore {
  private readonly countStmt
  private readonly insertStmt
  private readonly listStmt
  private readonly atStepStmt

  constructor(private readonly db: Db) {
    this.countStmt = db.prepare(`SELECT count(*) FROM agent_calls WHERE run_id = ?`).pluck()
    this.insertStmt = db.prepare(`INSERT INTO agent_calls (run_id, seq, t, call_json, link) VALUES (?, ?, ?, ?, ?)`)
    this.listStmt = db.prepare(`SELECT call_json, link FROM agent_calls WHERE run_id = ? ORDER BY seq`)
    this.atStepStmt = db.prepare(`SELECT call_json FROM agent_calls WHERE run_id = ? AND t <= ? ORDER BY t DESC, seq DESC LIMIT 1`).pluck()
  }

  /** Appends calls in their order, in one transaction; returns the calls now stored. */
  append(runId: number, calls: ReadonlyArray<{ call: AgentCall; link: Uint8Array }>): number {
    return this.db.transaction(() => {
      let seq = this.countStmt.get(runId) as number
      for (const { call, link } of calls) this.insertStmt.run(runId, seq++, call.t, JSON.stringify(call), Buffer.from(link))
      return seq
    })()
  }

  calls(runId: number): AgentCall[] {
    return this.rows(runId).map((r) => r.call)
  }

  /** The call that decided step t: the latest one at or before it (a held decision is that call's). */
  callAt(runId: number, t: number): AgentCall | null {
    const json = this.atStepStmt.get(runId, t) as string | undefined
    return json === undefined ? null : (JSON.parse(json) as AgentCall)
  }

  /** Where the stored calls first fail their chain or the manifest's head; null when they verify. */
  verify(runId: number, expectedHead: string | null): { index: number; problem: string } | null {
    return verifyCalls(this.rows(runId), expectedHead)
  }

  private rows(runId: number): Array<{ call: AgentCall; link: Uint8Array }> {
    return (this.listStmt.all(runId) as Array<{ call_json: string; link: Buffer }>).map((r) => ({ call: JSON.parse(r.call_json) as AgentCall, link: r.link }))
  }
}
