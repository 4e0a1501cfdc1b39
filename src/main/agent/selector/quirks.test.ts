import { describe, expect, it } from 'vitest'
import type { ChunkSink, StepChunk } from '../../engine/kernel'
import { POLICY_SOURCES } from '../../engine/kernel/run'
import { executeLab, planLab } from '../../labs/execute'
import { CASCADE_COOL_DOWN_STEPS, CASCADE_EXTRA_CALL_PRESSURE, CASCADE_RATIONALE_CAP } from '../../labs/cascade/agent-context'
import type { CascadeMarket } from '../../labs/cascade/market'
import { ORDER_FLOW_BANNED_PHRASES } from '../../labs/order-flow/agent-context'
import type { AgentRequest } from '../provider'
import { drive } from '../testing/drive-selector'
import { replyJson, ScriptedProvider, type ScriptedAnswer } from '../testing/scripted-provider'
import type { AgentCall } from './call'
import { checkReply, truncateRationale } from './validate'
import { RecordedProvider } from '../replay/recorded-provider'

/** Every step's source, as the decision log has it. */
class Sources implements ChunkSink {
  readonly names: string[] = []
  onChunk(chunk: StepChunk): void {
    for (let i = 0; i < chunk.count; i++) this.names.push(POLICY_SOURCES[chunk.columns.source[i]!]!)
  }
}

const contextOf = (request: AgentRequest): Record<string, number> => JSON.parse(request.user.split('\n')[1]!) as Record<string, number>

describe('ch.8 banned phrases (order-flow)', () => {
  const bounds = { actions: ['FLAT'], maxRationaleChars: 240, maxSentences: 3, bannedPhrases: ORDER_FLOW_BANNED_PHRASES }

  it.each([
    ['Toxicity may CHANGE quickly.', 'change'],
    ['I would modify the sizing.', 'modify'],
    ['Tune the Hyperparameter first.', 'parameter'],
    ['Just pip install it.', 'pip '],
    ['Use ```code```.', '```']
  ])('rejects %j (contains %j, any case)', (rationale: string, phrase: string) => {
    const check = checkReply(replyJson('FLAT', rationale), bounds)
    expect(check).toMatchObject({ ok: false, reason: 'banned_phrase' })
    if (!check.ok) expect(check.detail).toContain(JSON.stringify(phrase))
  })

  it('accepts a rationale without them, and other labs have no such guard', () => {
    expect(checkReply(replyJson('FLAT', 'Toxic flow and thin depth; stay out.'), bounds).ok).toBe(true)
    expect(checkReply(replyJson('FLAT', 'Regime change ahead.'), { ...bounds, bannedPhrases: [] }).ok).toBe(true)
  })

  it('falls back to the baseline with reason banned_phrase in an order-flow run', async () => {
    const spec = { task: 'lab' as const, lab: 'order-flow', preset: 'faithful' as const, overrides: { 'policy_params.enable_llm': true } }
    const flagged = await executeLab(spec, { agent: { provider: new ScriptedProvider([replyJson('FLAT', 'Imbalance may change sign.')]) } })
    const agent = flagged.results.agent!
    expect(agent.calls).toBe(flagged.results.steps)
    expect(agent.fallbacks.banned_phrase).toBe(agent.calls)
    expect(agent.valid).toBe(0)
    const clean = await executeLab(spec, { agent: { provider: new ScriptedProvider([replyJson('FLAT', 'Imbalance may flip sign.')]) } })
    expect(clean.results.agent).toMatchObject({ valid: clean.results.steps, controlShare: 1 })
  })
})

describe('ch.10 cadence: extra call under cascade pressure, cool-down, baseline between calls, truncation (cascade)', () => {
  const spec = { task: 'lab' as const, lab: 'cascade', preset: 'faithful' as const, overrides: { 'policy_params.enable_llm': true } }
  const plan = planLab(spec)
  const market = plan.lab.market(plan.config, {}) as CascadeMarket
  const pressure = Array.from(market.cascadePressure)

  it('the default seed reaches the extra-call pressure off the cadence (the test would be empty otherwise)', () => {
    expect(pressure.some((cp, t) => cp >= CASCADE_EXTRA_CALL_PRESSURE && t % 5 !== 0)).toBe(true)
  })

  it('asks every 5 steps and whenever cascade pressure is at or above 0.20; the baseline decides the other steps', async () => {
    const sources = new Sources()
    const calls: AgentCall[] = []
    const provider = new ScriptedProvider([replyJson('DELEVER', 'Pressure is building; cut size.')])
    const run = await executeLab(spec, { agent: { provider, onCall: (c) => calls.push(c) }, sinks: [sources] })
    const steps = run.results.steps
    const expected = pressure.slice(0, steps).flatMap((cp, t) => (t % 5 === 0 || cp >= CASCADE_EXTRA_CALL_PRESSURE ? [t] : []))
    expect(calls.map((c) => c.t)).toEqual(expected)
    // The model reads the pressure it was asked under (rounded to 4 dp in its context).
    for (const r of provider.requests) if (contextOf(r).t! % 5 !== 0) expect(contextOf(r).cascade_pressure).toBeGreaterThanOrEqual(0.2)
    sources.names.forEach((s, t) => expect(s).toBe(expected.includes(t) ? 'AGENT' : 'BASELINE'))
  })

  it('rests 15 steps after a failed call, then asks again at the next due step', async () => {
    const calls: AgentCall[] = []
    const provider = new ScriptedProvider((request) => (contextOf(request).t === 10 ? 'not json' : replyJson('HOLD', 'Calm enough.')))
    const run = await executeLab(spec, { agent: { provider, onCall: (c) => calls.push(c) } })
    const asked = calls.map((c) => c.t)
    expect(calls.find((c) => c.t === 10)).toMatchObject({ valid: false, reason: 'invalid_json', source: 'BASELINE' })
    expect(asked.filter((t) => t > 10 && t < 10 + CASCADE_COOL_DOWN_STEPS)).toEqual([])
    const due = (t: number) => t % 5 === 0 || pressure[t]! >= CASCADE_EXTRA_CALL_PRESSURE
    const next = Array.from({ length: run.results.steps }, (_, t) => t).find((t) => t >= 10 + CASCADE_COOL_DOWN_STEPS && due(t))
    expect(next).toBeDefined()
    expect(asked.find((t) => t > 10)).toBe(next)
  })

  it('replays bit-identically from its recorded calls, extra calls and cool-downs included', async () => {
    const calls: AgentCall[] = []
    const answer = (request: AgentRequest): ScriptedAnswer => {
      const t = contextOf(request).t!
      return t === 5 ? { error: 'model process exited' } : t === 30 ? 'nope' : replyJson(t % 2 ? 'HOLD' : 'DELEVER', 'Funding is tight.')
    }
    const provider = new ScriptedProvider(answer)
    const live = await executeLab(spec, { agent: { provider, onCall: (c) => calls.push(c) } })
    expect(calls.filter((c) => !c.valid).map((c) => c.t)).toEqual([5, 30].filter((t) => t < live.results.steps))
    const recorded = new RecordedProvider(calls, provider.identity)
    const replay = await executeLab(spec, { agent: { provider: recorded, replayed: true } })
    expect(replay.resultsHash).toBe(live.resultsHash)
    expect(recorded.unused).toBe(0)
  })

  it('cuts an over-long rationale to 160 characters with "…" and keeps the reply', async () => {
    const long = `Cascade pressure is elevated and funding is tight, ${'so the book trims exposure '.repeat(8)}now.`
    expect(long.length).toBeGreaterThan(CASCADE_RATIONALE_CAP)
    const calls: AgentCall[] = []
    const run = await executeLab(spec, { agent: { provider: new ScriptedProvider([replyJson('DELEVER', long)]), onCall: (c) => calls.push(c) } })
    expect(run.results.agent!.fallbacks.rationale_too_long).toBe(0)
    expect(calls[0]).toMatchObject({ valid: true, source: 'AGENT' })
    expect(calls[0]!.rationale.length).toBeLessThanOrEqual(CASCADE_RATIONALE_CAP)
    expect(calls[0]!.rationale.endsWith('…')).toBe(true)
    expect(long.startsWith(calls[0]!.rationale.slice(0, -1))).toBe(true)
  })
})

describe('the quirks on the shared selector', () => {
  it('an extra trigger asks off the cadence; a cool-down skips due steps after a failure', async () => {
    const script = (_: AgentRequest, i: number): ScriptedAnswer => (i === 1 ? 'bad' : replyJson('SHORT', 'Fade.'))
    const { calls } = await drive(script, 12, { decisionEvery: 4 }, undefined, { extraCall: (o) => o.t === 2, coolDownSteps: 5 })
    // t=0 due; t=2 extra (fails) → rest until t=7; t=8 due.
    expect(calls.map((c) => [c.t, c.valid])).toEqual([
      [0, true],
      [2, false],
      [8, true]
    ])
  })

  it('betweenCalls "baseline" lets the baseline decide the steps without a call', async () => {
    const { decisions } = await drive([replyJson('SHORT', 'Fade.')], 4, { decisionEvery: 2 }, undefined, { betweenCalls: 'baseline' })
    expect(decisions.map((d) => `${d.action}/${d.source}`)).toEqual(['SHORT/AGENT', 'FLAT/BASELINE', 'SHORT/AGENT', 'FLAT/BASELINE'])
  })

  it('truncateRationale keeps short text and cuts long text to the cap with "…"', () => {
    expect(truncateRationale('short', 10)).toBe('short')
    expect(truncateRationale('abcdefghijkl', 5)).toBe('abcd…')
    expect(truncateRationale('abc   defgh', 5)).toBe('abc…')
  })
})
