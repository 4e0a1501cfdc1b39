import type { Decision, PolicyMemory } from '../../engine/kernel/decision'
import type { AgentCall } from '../selector/call'
import { DEFAULT_SELECTOR_SETTINGS, type LabAgent, type NotebookQuirks, type SelectorSettings } from '../selector/lab-agent'
import { AgentSelector } from '../selector/selector'
import { AgentStats } from '../selector/stats'
import { ScriptedProvider, type Script } from './scripted-provider'

export type ToyAction = 'FLAT' | 'LONG' | 'SHORT'
export interface ToyObservation {
  t: number
  signal: number
}

// A two-line lab for selector tests: the baseline goes long on a positive signal, else flat.
export const toyLab = {
  id: 'toy',
  actions: ['FLAT', 'LONG', 'SHORT'] as const,
  flatAction: 'FLAT' as const,
  baseline: (o: ToyObservation): Decision<ToyAction> =>
    o.signal > 0 ? { action: 'LONG', rationale: 'Signal up.', source: 'BASELINE' } : { action: 'FLAT', rationale: 'No signal.', source: 'BASELINE' }
}

/** The toy lab's agent, with a notebook's quirks when a test gives them. */
export function toyAgent(quirks?: NotebookQuirks<ToyObservation>): LabAgent<null, ToyObservation, ToyAction> {
  return {
    labId: 'toy',
    brief: 'A toy market.',
    actions: { FLAT: 'nothing', LONG: 'buy', SHORT: 'sell' },
    settings: () => ({}),
    context: (o, step) => ({ t: o.t, signal: o.signal, last_action: step.lastAction }),
    ...(quirks ? { quirks } : {})
  }
}

/** Drives the selector as the kernel does: prepare (awaited) then decide, every step. */
export async function drive(
  script: Script,
  steps: number,
  settings: Partial<SelectorSettings> = {},
  signal = (t: number) => (t % 2 === 0 ? 1 : -1),
  quirks?: NotebookQuirks<ToyObservation>
) {
  const provider = new ScriptedProvider(script)
  const stats = new AgentStats()
  const calls: AgentCall[] = []
  let clock = 0
  const selector = new AgentSelector<ToyObservation, ToyAction>(toyLab, toyAgent(quirks), {
    provider,
    settings: { ...DEFAULT_SELECTOR_SETTINGS, ...settings },
    runSeed: 7,
    config: null,
    regimes: [],
    stats,
    onCall: (c) => calls.push(c),
    now: () => (clock += 3)
  })
  const memory: PolicyMemory<ToyAction> = { t: 0, lastAction: 'FLAT', lastDecision: null }
  const decisions: Decision<ToyAction>[] = []
  for (let t = 0; t < steps; t++) {
    const o = { t, signal: signal(t) }
    memory.t = t
    const waiting = selector.prepare(o, memory)
    if (waiting !== null) await waiting
    const d = selector.decide(o, memory)
    decisions.push(d)
    memory.lastAction = d.action
    memory.lastDecision = d
  }
  return { decisions, calls, stats, provider }
}
