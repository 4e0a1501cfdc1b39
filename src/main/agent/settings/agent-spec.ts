// The spec a run with the agent runs. Apart from workstation-agent.ts because it plans the lab
// (the labs' ~1 MB of code): the workstation loads it on the first run with the agent, not
// with the browser host's start.
import type { LabRunSpec } from '../../../shared/contract'
import type { AgentSettings } from '../../../shared/contract/agent-settings'
import { planLab } from '../../labs/execute'

/**
 * The selector's switches, as each lab's config spells them (the notebooks differ): a setting
 * goes to the first of its paths the lab's config has; a lab without one keeps the selector's
 * default, and the run's manifest says what was used. The timeout and the rationale bound are
 * the run's bounds instead (every lab takes them; the manifest records them for a replay).
 */
const SWITCH_PATHS: ReadonlyArray<{ paths: readonly string[]; value: (s: AgentSettings) => unknown }> = [
  { paths: ['policy_params.enable_llm'], value: () => true },
  { paths: ['policy_params.llm_temperature'], value: (s) => s.temperature },
  { paths: ['policy_params.fallback_to_baseline_on_error'], value: (s) => s.fallbackToBaseline },
  { paths: ['policy_params.decision_every', 'decision_every'], value: (s) => s.decisionEvery }
]


function hasPath(config: unknown, path: string): boolean {
  let node = config
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return false
    node = (node as Record<string, unknown>)[key]
  }
  return true
}

/**
 * The spec a run with the agent runs: the settings' switches under the spec's own overrides (what
 * the user set for this run wins). They are part of the spec, so the config hash, a re-run and a
 * replay all see them.
 */
export function agentSpec(spec: LabRunSpec, settings: AgentSettings): LabRunSpec {
  const { config } = planLab(spec)
  const switches: Record<string, unknown> = {}
  for (const { paths, value } of SWITCH_PATHS) {
    const path = paths.find((p) => hasPath(config, p))
    if (path !== undefined) switches[path] = value(settings)
  }
  return { ...spec, overrides: { ...switches, ...spec.overrides } }
}
