import { z } from 'zod'
import { AgentBlock, AgentManifest } from './agent'

/** A series of float64 values; crosses processes as a typed array, never as objects. */
export const Float64Series = z.custom<Float64Array>((v) => v instanceof Float64Array, {
  message: 'must be a Float64Array'
})

import { MAX_WALK_STEPS } from './limits'
export { MAX_WALK_STEPS }

/** The first engine task: a seeded Gaussian random walk, the slice every lab follows. */
export const RandomWalkSpec = z.strictObject({
  task: z.literal('random-walk'),
  steps: z
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(MAX_WALK_STEPS, { error: `must be at most ${MAX_WALK_STEPS.toLocaleString('en-US')}` }),
  seed: z
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be ≥ 0' })
    .max(0xffff_ffff, { error: 'must be < 2^32' }),
  start: z.number().min(-1e9, { error: 'must be ≥ -1e9' }).max(1e9, { error: 'must be ≤ 1e9' }).default(0),
  drift: z.number().min(-1000, { error: 'must be ≥ -1000 per step' }).max(1000, { error: 'must be ≤ 1000 per step' }).default(0),
  volatility: z.number().gt(0, { error: 'must be > 0' }).max(1000, { error: 'must be ≤ 1000 per step' }).default(1)
})
export type RandomWalkSpec = z.infer<typeof RandomWalkSpec>
export type RandomWalkSpecInput = z.input<typeof RandomWalkSpec>

/** Every lab has `faithful` and `corrected`; a lab may add named profiles (e.g. `twap`). */
export const PresetName = z.enum(['faithful', 'corrected'], { error: 'must be "faithful" or "corrected"' })
export type PresetName = z.infer<typeof PresetName>
export const PresetId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, { error: 'must be a preset name such as "faithful", "corrected" or a lab profile' })

/**
 * A mechanism lab run: which lab, which preset, which seed, and overrides keyed by the
 * notebook's own config paths (`risk_params.max_leverage`). The lab's schema validates them.
 */
export const LabRunSpec = z.strictObject({
  task: z.literal('lab'),
  lab: z.string().min(1, { error: 'must name a lab' }).max(64),
  preset: PresetId.default('faithful'),
  /** Overrides the preset's seed when given. */
  seed: z
    .int({ error: 'must be a whole number' })
    .min(0, { error: 'must be ≥ 0' })
    .max(0xffff_ffff, { error: 'must be < 2^32' })
    .optional(),
  overrides: z.record(z.string().max(200), z.unknown()).default({})
})
export type LabRunSpec = z.infer<typeof LabRunSpec>

/** Every task the engine can run. */
export const RunSpec = z.discriminatedUnion('task', [RandomWalkSpec, LabRunSpec], {
  error: (issue) => (issue.code === 'invalid_union' ? 'task must be one of: "random-walk", "lab"' : undefined)
})
export type RunSpec = z.infer<typeof RunSpec>
export type RunSpecInput = z.input<typeof RunSpec>

/**
 * One input of a lab's parameter form, generated from the lab's zod config schema
 * (src/main/labs/form-schema.ts): `path` is the dotted config path overrides use
 * (`risk_params.max_leverage`), `group` the path of the collapsible group it sits in ('' at the top).
 */
const formFieldCommon = {
  path: z.string(),
  group: z.string(),
  label: z.string(),
  description: z.string().optional(),
  unit: z.string().optional()
}
export const FormField = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('number'),
    ...formFieldCommon,
    integer: z.boolean(),
    /** An empty input means null (e.g. "no step budget"). */
    nullable: z.boolean(),
    minimum: z.number().optional(),
    exclusiveMinimum: z.boolean(),
    maximum: z.number().optional(),
    exclusiveMaximum: z.boolean()
  }),
  z.strictObject({ kind: z.literal('enum'), ...formFieldCommon, options: z.array(z.string()) }),
  z.strictObject({ kind: z.literal('boolean'), ...formFieldCommon }),
  z.strictObject({ kind: z.literal('text'), ...formFieldCommon }),
  /** Lists, matrices and tuples are edited as JSON; `shape` says what is expected ("3 × 3 matrix of numbers in [0, 1]"). */
  z.strictObject({ kind: z.literal('json'), ...formFieldCommon, shape: z.string() })
])
export type FormField = z.infer<typeof FormField>

export const FormGroup = z.strictObject({
  path: z.string(),
  /** '' for a top-level group. */
  parent: z.string(),
  label: z.string(),
  description: z.string().optional()
})
export type FormGroup = z.infer<typeof FormGroup>

/** A lab's parameter form: groups and fields in the schema's own order. */
export const LabForm = z.strictObject({ groups: z.array(FormGroup), fields: z.array(FormField) })
export type LabForm = z.infer<typeof LabForm>

/** One entry of a lab's stress menu: a name and the overrides that make the variant. */
export const StressVariant = z.strictObject({ name: z.string(), overrides: z.record(z.string(), z.unknown()) })
export type StressVariant = z.infer<typeof StressVariant>

/**
 * The value at a dotted config path (`risk_params.max_leverage`) of a config or of a run's
 * overrides, which may hold the path as one dotted key or as nested objects; undefined when absent.
 */
export function configValueAt(config: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(config, path)) return config[path]
  let node: unknown = config
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/**
 * How a surface reads: `grid` a 2-D matrix on one scale (a heatmap), `curve` a 1-D strip,
 * `coordinates` a trajectory whose second axis lists quantities in different units (each one
 * its own curve over the first axis), `network` nodes with weighted links: the first axis lists
 * the N nodes, the second (named "link") the same N nodes — row i, column j is the exposure of
 * i to j — then quantities per node (the first of them colours the node).
 */
export const SurfaceLayout = z.enum(['grid', 'curve', 'coordinates', 'network'])
export type SurfaceLayout = z.infer<typeof SurfaceLayout>

/** One axis of the grid a lab suggests sweeping: a config path of its form, the unit its schema gives, values worth trying. */
export const SweepAxisSuggestion = z.strictObject({
  path: z.string(),
  /** From the schema's `.meta({ unit })`; null where the schema gives none. */
  unit: z.string().nullable(),
  values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1)
})
export type SweepAxisSuggestion = z.infer<typeof SweepAxisSuggestion>

/** What the explorer shows of a lab before running it. */
export const LabInfo = z.strictObject({
  id: z.string(),
  title: z.string(),
  chapter: z.int(),
  description: z.string(),
  actions: z.array(z.string()),
  regimes: z.array(z.string()),
  legs: z.array(z.string()),
  defaultSeed: z.int(),
  steps: z.int(),
  /** Named profiles beyond faithful/corrected (run on the faithful preset with their overrides). */
  profiles: z.array(z.strictObject({ id: z.string(), description: z.string() })),
  presets: z.strictObject({
    faithful: z.strictObject({ description: z.string(), corrections: z.array(z.strictObject({ id: z.string(), title: z.string(), why: z.string() })) }),
    corrected: z.strictObject({ description: z.string(), corrections: z.array(z.strictObject({ id: z.string(), title: z.string(), why: z.string() })) })
  }),
  /** The faithful preset's full config, for showing every knob with its default. */
  defaults: z.record(z.string(), z.unknown()),
  /** The parameter form generated from the lab's config schema. */
  form: LabForm,
  /** Each preset's and profile's full config (faithful, corrected, profiles), so a form can mark what was changed. */
  presetConfigs: z.record(z.string(), z.record(z.string(), z.unknown())),
  // What the views need to know of the lab, declared by the lab itself (LabSelfDescription in
  // src/main/labs/lab-module.ts) and resolved by the catalogue, so that no view names a lab.
  /**
   * The gross leverage cap the risk gate applies: the config path its rule reads, the unit, and
   * the value in each preset and profile (from the resolved config); null: no leverage rule.
   */
  leverageCap: z.strictObject({ path: z.string(), unit: z.string().nullable(), byPreset: z.record(z.string(), z.number()) }).nullable(),
  /** Its tradable surface: how it reads, and whether it is a phase-space trajectory (lag × coordinate) the Phase view draws. */
  surface: z.strictObject({ layout: SurfaceLayout, phaseSpace: z.boolean() }),
  /** Its runs open in the Terrain view (`terrain.view`): a correlation terrain with state, trailheads and grouping. */
  terrainView: z.boolean(),
  /** The single traded price series the regime model can classify (`regime.classify` on a lab spec); null when there is none. */
  regimePriceSeries: z.strictObject({ name: z.string() }).nullable(),
  /** Set on the regime model's home lab (the one it was trained on): the preset and held-out seed the Regime view opens on. */
  regimeModelHome: z.strictObject({ preset: PresetName, seed: z.int() }).nullable(),
  /** The two-axis grid a sweep of this lab starts from, why those axes, and the metric that answers it. */
  suggestedSweep: z.strictObject({ axes: z.tuple([SweepAxisSuggestion, SweepAxisSuggestion]), metric: z.string(), why: z.string() })
})
export type LabInfo = z.infer<typeof LabInfo>

export const RunStatus = z.enum(['running', 'completed', 'cancelled', 'failed', 'interrupted'])
export type RunStatus = z.infer<typeof RunStatus>

export const RunId = z.int().positive()

export const RunSummary = z.strictObject({
  id: RunId,
  task: z.string(),
  spec: RunSpec,
  seed: z.int(),
  configHash: z.string(),
  codeVersion: z.string(),
  status: RunStatus,
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  progressDone: z.int(),
  progressTotal: z.int(),
  resultsHash: z.string().nullable(),
  error: z.string().nullable(),
  /**
   * Steps in the stored decision log. A lab run's log is committed in batches of 4,096 steps
   * while it runs, so a run that stopped early keeps the batches committed before it stopped.
   */
  loggedSteps: z.int().optional(),
  /**
   * The run ended without results (cancelled, failed, interrupted — "aborted" when the engine
   * stopped) and kept a partial decision log: loggedSteps of progressTotal steps, verifiable up
   * to its last committed batch.
   */
  partial: z.boolean().optional()
})
export type RunSummary = z.infer<typeof RunSummary>

export const RandomWalkSummary = z.strictObject({
  steps: z.int(),
  final: z.number(),
  min: z.number(),
  max: z.number(),
  /** Mean and sample standard deviation of the per-step increments. */
  meanIncrement: z.number(),
  stdevIncrement: z.number(),
  /** Largest fall from a running peak, in level units. */
  maxDrawdown: z.number()
})
export type RandomWalkSummary = z.infer<typeof RandomWalkSummary>

/** A random walk's results: numbers and a decimated path for charts. */
export const WalkResults = z.strictObject({
  kind: z.literal('random-walk'),
  summary: RandomWalkSummary,
  /** path[k] is the level after step k·stride (path[0] is the start). */
  pathStride: z.int().positive(),
  path: Float64Series
})
export type WalkResults = z.infer<typeof WalkResults>

/**
 * A run's verification status: the one vocabulary of the UI, the CLI and the memo. "Not
 * verified" until a reviewer signs the run off, "Verified" after a sign-off, "Findings" when the
 * latest review recorded findings, "Chain broken" when the stored log does not verify against
 * its hash chain, whatever the reviews say. A replay that differs is not a status of its own:
 * the reviewer records it as findings.
 */
export const VerificationStatus = z.enum(['Not verified', 'Verified', 'Findings', 'Chain broken'])
export type VerificationStatus = z.infer<typeof VerificationStatus>

/** The class every surface marks a status with (`verification-chain-broken`), so the app and the memo colour it alike. */
export function verificationStatusClass(status: VerificationStatus): string {
  return `verification-${status.toLowerCase().replace(/\s+/g, '-')}`
}

export const RunManifest = z.strictObject({
  lab: z.string(),
  preset: z.string(),
  seed: z.int(),
  configHash: z.string(),
  codeVersion: z.string(),
  environment: z.strictObject({ runtime: z.string(), platform: z.string() }),
  resultsHash: z.string(),
  /** Head of the decision log's hash chain when the run was written (runs before chaining have none). */
  chainHead: z.string().optional(),
  /** The model that answered the run's agent questions (runs without an agent have none). */
  agent: AgentManifest.optional(),
  /**
   * The status when the run was written: always "Not verified" (no review exists yet). The live
   * status is derived from the chain and the reviews (`runs.audit`); exports show that one.
   */
  verificationStatus: VerificationStatus
})
export type RunManifest = z.infer<typeof RunManifest>

const Counts = z.record(z.string(), z.int())

/** A lab run's results: manifest, the notebook-named metrics, counts and the diagnostics series. */
export const LabResults = z.strictObject({
  kind: z.literal('lab'),
  manifest: RunManifest,
  /** The full, resolved config the run used (after preset and overrides). */
  config: z.record(z.string(), z.unknown()),
  corrections: z.array(z.strictObject({ id: z.string(), title: z.string(), why: z.string() })),
  metrics: z.record(z.string(), z.number().nullable()),
  actions: Counts,
  regimeCounts: Counts,
  actionMixByRegime: z.record(z.string(), z.record(z.string(), z.number())),
  telemetry: z.record(z.string(), z.unknown()),
  steps: z.int(),
  plannedSteps: z.int(),
  halted: z.boolean(),
  /** Why the lab ended the run early (a reference that fails at the next step); absent when the drawdown stop halted it or nothing did. */
  haltReason: z.string().optional(),
  regimeNames: z.array(z.string()),
  actionNames: z.array(z.string()),
  costComponents: z.array(z.string()),
  /** What the book's agent did (runs asked to use one; absent otherwise). */
  agent: AgentBlock.optional(),
  /**
   * The book's diagnostics for charts — equity, drawdown, leverage, cumulative cost (total and
   * `cost:<component>`), regime, action — min/max-conflated onto one step grid `t` in buckets of
   * `bucket` steps (src/shared/series-conflation.ts; bucket 1 or 2 keeps every step). Bounded in
   * size whatever the run's length: every step is in the decision log.
   */
  series: z.strictObject({
    bucket: z.int().positive(),
    t: Float64Series,
    columns: z.record(z.string(), Float64Series)
  })
})
export type LabResults = z.infer<typeof LabResults>

export const RunResults = z.discriminatedUnion('kind', [WalkResults, LabResults])
export type RunResults = z.infer<typeof RunResults>

/** What the engine hands back for a finished task: results and the hash of every byte it produced. */
export const TaskOutput = z.strictObject({ results: RunResults, resultsHash: z.string() })
export type TaskOutput = z.infer<typeof TaskOutput>

export const RunDetail = z.strictObject({
  run: RunSummary,
  results: RunResults.nullable()
})
export type RunDetail = z.infer<typeof RunDetail>
