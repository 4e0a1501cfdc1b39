import { describe, expect, it } from 'vitest'
import { AgentSettings, type RunSpec } from '../../../../shared/contract'
import { agentStore, runsWithAgent, type AgentUiState } from './agent-store'

const view = { settings: AgentSettings.parse({ provider: 'embedded', modelPath: '/m/tiny.gguf' }), model: 'tiny.gguf · F32', labs: ['fx-carry', 'oil-curve'] }
const state = (over: Partial<AgentUiState> = {}): AgentUiState => ({ view, error: null, useInRuns: true, dialogOpen: false, load: null, ...over })
const fx: RunSpec = { task: 'lab', lab: 'fx-carry', preset: 'faithful', overrides: {} }

describe('which runs go with the agent', () => {
  it('a book lab with a configured model and the run panel switch on', () => {
    expect(runsWithAgent(fx, state())).toBe(true)
  })

  it('not without a model, with the switch off, for a lab without the agent, or for a random walk', () => {
    expect(runsWithAgent(fx, state({ view: { ...view, model: null } }))).toBe(false)
    expect(runsWithAgent(fx, state({ view: null }))).toBe(false)
    expect(runsWithAgent(fx, state({ useInRuns: false }))).toBe(false)
    expect(runsWithAgent({ ...fx, lab: 'microstructure' }, state())).toBe(false)
    expect(runsWithAgent({ task: 'random-walk', steps: 10, seed: 1, start: 100, drift: 0, volatility: 0.01 }, state())).toBe(false)
  })

  it('load progress shows until the last frame', () => {
    agentStore.loadProgress({ label: 'Run #1: loading tiny.gguf', done: 40, total: 100 })
    expect(agentStore.get().load).toEqual({ label: 'Run #1: loading tiny.gguf', done: 40, total: 100 })
    agentStore.loadProgress({ label: 'Run #1: loading tiny.gguf', done: 100, total: 100 })
    expect(agentStore.get().load).toBeNull()
  })
})
