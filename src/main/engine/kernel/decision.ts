/** Who chose an action: the rule baseline, a plugged-in agent, a human override, or the risk gate. */
export type PolicySource = 'BASELINE' | 'AGENT' | 'OVERRIDE' | 'RISK'

export interface Decision<A extends string = string> {
  action: A
  rationale: string
  source: PolicySource
}

/**
 * A policy maps an observation to one of the lab's finite actions. The baseline is a pure
 * function; agents (other rule sets, models, people) plug in through the same shape.
 */
export interface Policy<O, A extends string = string> {
  readonly name: string
  decide(observation: O, memory: PolicyMemory<A>): Decision<A>
  /**
   * For a policy that waits on something outside the engine (a language model): called at a
   * decision step before decide, with the same observation. A promise pauses the loop in the
   * middle of the step until it settles, then decide is called; null lets the step go on at
   * once. Policies without it never leave the synchronous path.
   */
  prepare?(observation: O, memory: PolicyMemory<A>): Promise<void> | null
}

/** What a policy may remember between steps without owning state: its last decision. */
export interface PolicyMemory<A extends string = string> {
  t: number
  lastAction: A
  lastDecision: Decision<A> | null
}
