import { z } from 'zod'
import { ApiError, issuesFromZod, summariseIssues, type LabResults, type LabRunSpec, type PresetName, type TaskOutput } from '../../shared/contract'
import { configHash } from '../engine/hashing'
import {
  KeyPathError,
  POLICY_SOURCES,
  actionCounts,
  actionMixByRegime,
  buildManifest,
  cumulative,
  regimeCounts,
  runLab,
  type AnyLab,
  type LabLoopHost,
  type LabRun
} from '../engine/kernel'
import type { StepLogSlice, StepRecordBatch } from '../engine/kernel/step-records'
import { chainRun } from '../audit/chain'
import { CODE_VERSION } from '../version'
import { LabConfigError, type LabInputs, type LabModule, type LabRequirement } from './lab-module'
import { StepLogStream } from './log-stream'
import { labIds, labRegistry } from './registry'

export interface LabPlan {
  module: LabModule
  config: unknown
  seed: number
  steps: number
  configHash: string
  /** What main must compute before the engine can run it (the regime model's output). */
  requires: readonly LabRequirement[]
}

/** Parses a `--set` style value: JSON when it parses (numbers, booleans, arrays), else a string. */
export function parseOverrideValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function findLab(id: string): LabModule {
  const module = labRegistry.get(id)
  if (!module) {
    const known = labIds()
    throw new ApiError('invalid_params', `unknown lab "${id}"; known labs: ${known.length ? known.join(', ') : '(none)'}`, [
      { path: 'spec.lab', message: `unknown lab "${id}"` }
    ])
  }
  return module
}

/** Resolves and validates a lab spec without running it: unknown lab, preset or key fail here. */
export function planLab(spec: LabRunSpec): LabPlan {
  const module = findLab(spec.lab)
  const profile = spec.preset === 'faithful' || spec.preset === 'corrected' ? null : module.profiles?.[spec.preset]
  if (profile === undefined) {
    const names = ['faithful', 'corrected', ...Object.keys(module.profiles ?? {})]
    throw new ApiError('invalid_params', `${spec.lab}: unknown preset "${spec.preset}"; presets: ${names.join(', ')}`, [
      { path: 'spec.preset', message: `unknown preset "${spec.preset}"` }
    ])
  }
  const overrides: Record<string, unknown> = { ...(profile?.overrides ?? {}), ...spec.overrides }
  if (spec.seed !== undefined) overrides.seed = spec.seed
  let config: unknown
  try {
    config = module.resolveConfig(profile ? 'faithful' : (spec.preset as PresetName), overrides)
  } catch (error) {
    if (error instanceof LabConfigError) {
      const issues = error.problems.map((p) => ({ path: `spec.overrides.${p.path}`, message: p.message }))
      throw new ApiError('invalid_params', `${spec.lab}: ${summariseIssues(error.problems)}`, issues)
    }
    // Fuzz finding: a dotted override key through `constructor`/`prototype` came back as `internal`.
    if (error instanceof KeyPathError) {
      const message = 'is not a valid key path (no empty, __proto__, constructor or prototype segment)'
      throw new ApiError('invalid_params', `${spec.lab}: ${error.path}: ${message}`, [{ path: `spec.overrides.${error.path}`, message }])
    }
    if (error instanceof z.ZodError) {
      const issues = issuesFromZod(error, overrides, 'config')
      throw new ApiError('invalid_params', `${spec.lab}: ${summariseIssues(issues)}`, issues)
    }
    throw error
  }
  const lab = module.definition
  return {
    module,
    config,
    seed: lab.seedOf(config),
    steps: lab.steps(config),
    configHash: configHash({ lab: lab.id, config }),
    requires: module.requires?.(config) ?? []
  }
}

/** The lab's definition bound to its inputs; refuses clearly when a required input is missing. */
export function boundLab(plan: LabPlan, spec: LabRunSpec, inputs: LabInputs): AnyLab {
  for (const requirement of plan.requires) {
    if (requirement === 'regime-model' && !inputs.regime) {
      throw new ApiError('invalid_params', `${spec.lab}: classifier.kind "ssm" needs the regime model's output; the workstation and the CLI compute it in the inference service before the run`)
    }
  }
  return plan.requires.length > 0 && plan.module.withInputs ? plan.module.withInputs(inputs) : plan.module.definition
}

export function toStepRecords(lab: AnyLab, run: LabRun<unknown>, costComponents: readonly string[]): StepRecordBatch {
  const c = run.columns
  const pick = (record: Record<string, Float64Array>, names: readonly string[]): Record<string, Float64Array> =>
    Object.fromEntries(names.map((n) => [n, record[n] ?? new Float64Array(run.steps)]))
  return {
    legs: [...lab.legs],
    actionNames: [...lab.actions],
    regimeNames: [...run.regimeNames],
    sourceNames: [...POLICY_SOURCES],
    rationales: run.rationales,
    t: c.t,
    regime: c.regime,
    action: c.action,
    source: c.source,
    rationale: c.rationale,
    position: c.position,
    trade: c.trade,
    cost: c.cost,
    costByComponent: pick(c.costByComponent, costComponents),
    pnlByComponent: pick(c.pnlByComponent, lab.pnlComponents),
    netPnl: c.netPnl,
    equity: c.equity,
    drawdown: c.drawdown,
    leverage: c.leverage,
    events: run.events.map((e) => ({ t: e.t, rule: e.rule, message: e.message, before: e.before, after: e.after }))
  }
}

function toFloat64(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values)
}

/** Runs a planned lab and shapes everything the store, the UI and the CLI need. */
export async function executeLab(
  spec: LabRunSpec,
  host: LabLoopHost = {},
  environment = { runtime: `Node ${process.versions.node}`, platform: `${process.platform}-${process.arch}` },
  inputs: LabInputs = {},
  /**
   * Receives the decision log in STEP_CHUNK slices while the run advances (main commits each
   * one); the last slice is returned as `logTail`, to be written with the results.
   */
  onLogSlice?: (slice: StepLogSlice) => void
): Promise<TaskOutput & { results: LabResults; records: StepRecordBatch; logTail?: StepLogSlice }> {
  const plan = planLab(spec)
  const lab = boundLab(plan, spec, inputs)
  const costComponents = lab.execution(plan.config).components
  const logStream = onLogSlice
    ? new StepLogStream(
        { legs: lab.legs, actionNames: lab.actions, regimeNames: lab.regimeNames(plan.config), sourceNames: POLICY_SOURCES, costComponents, pnlComponents: lab.pnlComponents },
        onLogSlice
      )
    : null
  const loopHost: LabLoopHost = logStream
    ? {
        ...host,
        onSteps: (columns, from, to, events, rationales) => {
          logStream.onSteps(columns, from, to, events, rationales)
          host.onSteps?.(columns, from, to, events, rationales)
        }
      }
    : host
  const run = await runLab(lab, plan.config, { host: loopHost })
  const manifest = buildManifest({
    lab: lab.id,
    preset: spec.preset,
    seed: plan.seed,
    config: plan.config,
    codeVersion: CODE_VERSION,
    environment,
    run
  })
  const c = run.columns
  const results: LabResults = {
    kind: 'lab',
    manifest,
    config: plan.config as Record<string, unknown>,
    corrections: spec.preset === 'corrected' ? [...lab.presets.corrected.corrections] : [],
    metrics: plan.module.metrics(run, plan.config),
    actions: actionCounts(lab.actions, c.action),
    regimeCounts: regimeCounts(run.regimeNames, c.regime),
    actionMixByRegime: actionMixByRegime(lab.actions, run.regimeNames, c.action, c.regime),
    telemetry: plan.module.telemetry?.(run, plan.config) ?? {},
    steps: run.steps,
    plannedSteps: run.plannedSteps,
    halted: run.halted,
    regimeNames: [...run.regimeNames],
    actionNames: [...lab.actions],
    costComponents: [...costComponents],
    series: {
      equity: toFloat64(c.equity),
      drawdown: toFloat64(c.drawdown),
      regime: toFloat64(c.regime),
      action: toFloat64(c.action),
      leverage: toFloat64(c.leverage),
      cumulativeCost: cumulative(c.cost),
      cumulativeCostByComponent: Object.fromEntries(costComponents.map((n) => [n, cumulative(c.costByComponent[n] ?? [])]))
    }
  }
  // The decision log is hash-chained where it is produced (off the main thread); its head goes
  // into the manifest, so any later edit of the stored log shows against it. Streamed, the
  // chain was carried slice by slice and the last slice ends on the same head.
  const records = toStepRecords(lab, run, costComponents)
  if (logStream) {
    const logTail = logStream.finish(records)
    manifest.chainHead = logTail.chain.head
    return { results, resultsHash: manifest.resultsHash, records, logTail }
  }
  records.chain = chainRun(records, records.events)
  manifest.chainHead = records.chain.head
  return { results, resultsHash: manifest.resultsHash, records }
}
