import type { LabRunSpec } from '../../shared/contract'
import { checkLabSpec, labReturns } from './lab-returns'
import { pathSummary, weighted, type PathSummary } from './shocks'
import { scenarioSummary } from './stress-table'

/**
 * The members' stress menus re-run and re-aggregated: every pod's lab stress variants (one
 * factor at a time against the pod's own frozen spec, same seed, so the market path matches),
 * each put in the pod's place in the portfolio under fixed weights, the others as they ran —
 * so the table reads what each variant does to the portfolio, not to one strategy — and the
 * combined scenario where every pod suffers its own worst variant at once.
 */
export type WorstPod = { pod: number; loss: number } | null

export interface MenuRow extends PathSummary {
  pod: number
  /** The pod that lost most over the portfolio's worst drawdown under this variant. */
  worstPod: WorstPod
  runId: number
  lab: string
  variant: string
  /** Portfolio total return against the unstressed portfolio on the same steps. */
  deltaReturn: number
  breaches: boolean
}

export interface MenuStress {
  rows: MenuRow[]
  /** Every pod at the variant that hurt the portfolio most, together. */
  combined: (PathSummary & { worstPod: WorstPod; variants: string[]; breaches: boolean }) | null
}

export interface MenuPod {
  runId: number
  spec: LabRunSpec
}

/** The variants to run for each pod, planned (and checked) before anything runs. */
export async function planStressMenus(pods: readonly MenuPod[]): Promise<Array<Array<{ name: string; spec: LabRunSpec }>>> {
  // The labs' code loads here, on the first stress, not on the host's start path.
  const { findLab, planLab } = await import('../labs/execute')
  const plans: Array<Array<{ name: string; spec: LabRunSpec }>> = []
  for (const { spec } of pods) {
    const menu = findLab(spec.lab).stressMenu(planLab(spec).config)
    const variants = []
    for (const v of menu) {
      const stressed: LabRunSpec = { ...spec, overrides: { ...spec.overrides, ...v.overrides } }
      await checkLabSpec(stressed)
      variants.push({ name: v.name, spec: stressed })
    }
    plans.push(variants)
  }
  return plans
}

/** Runs a lab spec to its per-step returns: in this process by default, or in the engine process (engine-equity.ts). */
export type RunReturns = (spec: LabRunSpec, label: string) => Promise<Float64Array>

export async function stressMenus(
  pods: readonly MenuPod[],
  base: readonly Float64Array[],
  weights: readonly number[],
  lossLimit: number,
  onRun?: (done: number, total: number, label: string) => void,
  run: RunReturns = labReturns
): Promise<MenuStress> {
  const plans = await planStressMenus(pods)
  const total = plans.reduce((s, p) => s + p.length, 0)
  let done = 0
  const stressed: Array<Array<{ name: string; returns: Float64Array }>> = []
  for (const [i, plan] of plans.entries()) {
    const runs = []
    for (const v of plan) {
      const label = `run #${pods[i]!.runId} under ${v.name}`
      runs.push({ name: v.name, returns: await run(v.spec, label) })
      onRun?.(++done, total, label)
    }
    stressed.push(runs)
  }
  const portfolioWith = (replace: ReadonlyMap<number, Float64Array>): { summary: PathSummary & { worstPod: WorstPod }; base: PathSummary } => {
    const T = Math.min(...base.map((r, i) => (replace.get(i) ?? r).length))
    const cut = (r: Float64Array): Float64Array => r.subarray(0, T)
    return { summary: scenarioSummary(base.map((r, i) => cut(replace.get(i) ?? r)), weights), base: pathSummary(weighted(base.map(cut), weights)) }
  }
  const rows: MenuRow[] = []
  const worst: Array<{ name: string; returns: Float64Array } | null> = pods.map(() => null)
  stressed.forEach((runs, i) => {
    let worstLoss = -Infinity
    for (const v of runs) {
      const { summary, base: b } = portfolioWith(new Map([[i, v.returns]]))
      rows.push({ pod: i, runId: pods[i]!.runId, lab: pods[i]!.spec.lab, variant: v.name, ...summary, deltaReturn: summary.totalReturn - b.totalReturn, breaches: summary.maxDrawdown >= lossLimit })
      if (summary.maxDrawdown > worstLoss) {
        worstLoss = summary.maxDrawdown
        worst[i] = v
      }
    }
  })
  const replace = new Map<number, Float64Array>()
  worst.forEach((v, i) => v && replace.set(i, v.returns))
  const combined = replace.size ? { ...portfolioWith(replace).summary, variants: worst.map((v) => v?.name ?? 'base') } : null
  return { rows, combined: combined && { ...combined, breaches: combined.maxDrawdown >= lossLimit } }
}
