import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { ApiError, LabRunSpec, PresetId, issuesFromZod, summariseIssues } from '../shared/contract'
import { systemClock } from './clock'
import { labCatalogue } from './labs/catalogue'
import { executeLab, planLab } from './labs/execute'
import { expandExperiment, parseGridAxis, parseSeeds, type PlannedRun } from './experiments/plan'
import { runOnPool } from './experiments/pool'
import { runCellsOnPool } from './experiments/batch-pool'
import { countedActions, summaryOf, sweepRow, type SweepRow } from './experiments/sweep-table'
import { attachSweep, queuedSweep, runWorker } from './queue/cli-queue'
import { QueueConfigError } from './queue/connection'
import { defaultDataDir, resolveDatabasePath } from './paths'
import type { CellOutcome } from '../shared/contract/protocol'
import { UsageError, fail, parseSeed, parseSets } from './cli-args'
import { findLab } from './labs/execute'
import { launchNodeProcess } from './services/node-launcher'
import { SupervisedService } from './services/service-host'
import { engineMethods } from '../shared/contract/protocol'
import { StoreOpenError, openDatabase } from './store/database'
import { BackupError, backupDatabase, backupNextTo } from './store/backup'
import { readFileSync } from 'node:fs'
import { modelsDir, openLocalClassifier, type LocalClassifier } from './inference/classify-series'
import { regimeInputFromReport } from './runs/run-inputs'
import type { LabInputs } from './engine/kernel'
import { commandRegime } from './inference/cli-regime'
import { CsvValidationError } from './regime/csv'
import { parsePriceCsvPanel, terrainOfPanel } from './labs/market-terrain/csv'
import { RunsRepository } from './store/runs-repository'
import { CODE_VERSION } from './version'
import { AuditUsageError, commandReplay, commandVerify } from './audit/cli-audit'
import { runAndStore } from './runs/store-run'
import { MemoUsageError, commandMemo } from './memo/cli-memo'
import { PortfolioUsageError, commandPortfolio } from './risk/cli-portfolio'
import { AgentUsageError, commandAgent } from './agent/cli-agent'
import { openAgentService } from './agent/process-provider'
import { checkAgentTarget } from './agent/providers/open'
import { agentJson, withCliAgent, type OpenProvider } from './agent/cli-run-agent'
import { AgentCallsStore } from './store/agent-calls'
import { commandCompareAgent, compareAgentText } from './agent/ensemble/cli-compare-agent'

// The headless workstation: the same engine and labs as the app, printing JSON for scripts.
const USAGE = `usage:
  mechanica labs [--json]
  mechanica run <lab> [--preset faithful|corrected] [--seed N] [--set path.to.key=value]... [--agent model.gguf|http://127.0.0.1:PORT/v1 [--allow-remote]] [--db FILE] [--json]
  mechanica sweep <lab> [--preset P] [--seeds a..b|a,b,c] [--grid path=v1,v2,…]... [--stress] [--set path=value]...
                  [--jobs N] [--db FILE] [--metrics m1,m2,…] [--json]
                  [--queue redis://HOST:PORT [--step-log] [--batch N]]   (cells on a BullMQ queue, N cells a job for \`mechanica worker\`s; results written to the store)
  mechanica sweep --attach ID [--queue URL] [--db FILE] [--json]   (collect a queued sweep whose coordinator stopped, and wait for the rest)
  mechanica worker --queue redis://HOST:PORT [--concurrency N]   (run queued cells; rediss:// for TLS, user:password@ or MECHANICA_REDIS_PASSWORD,
                  --redis-ca FILE, --allow-remote for a Redis not on this machine)
  mechanica regime --lab LAB [--preset P] [--seed N] [--set path=value]... [--json]   (any lab with a price series)
  mechanica regime --csv FILE [--compare] [--json]   (with --compare: all five classifiers on your closes; no true regimes, so what is scored is the long/flat rule each drives)
  mechanica regime --lab LAB --compare [--seeds a..b] [--preset P] [--set path=value]... [--model regime-ssm|regime-ssm-v2] [--json]   (the SSM vs four baselines on held-out seeds, any lab with a price series; the model defaults to v1 on heston-regime, v2 elsewhere)
  mechanica regime --lab LAB --export-series DIR --seeds a..b [--preset P] [--json]   (the lab's closes and true labels per seed, DIR/<lab>-<seed>.csv)
  mechanica verify --db FILE [--run ID] [--json]   (hash chain and verification status of every run, or one; exit 1 when a chain is broken)
  mechanica replay --db FILE --run ID [--json]   (re-run from the manifest, compare step by step; exit 1 when it differs)
  mechanica replay --db FILE --run ID --agent model.gguf|URL [--json]   (re-ask: the run again with the model answering live, nothing stored; the first step whose decision differs)
  mechanica backup --db FILE [--out FILE] [--overwrite] [--json]   (online copy, verified; default <name>.backup-<n>.db beside it)
  mechanica memo --db FILE --run ID [--format md|html|zip] [--out FILE] [--overwrite] [--json]   (the committee memo; default exports/run-<id>-memo.<ext> beside the db)
  mechanica portfolio risk --db FILE --runs 1,2,3 [--weights equal|inverse-vol|vol-target|risk-parity|hrp|w1,w2,…] [--target VOL]
                  [--confidence 0.99] [--window 250] [--horizon 1] [--align exact|common] [--scenarios N] [--seed N] [--series] [--json]
                  (VaR/ES of the runs held as pods, by six methods, with backtests)
  mechanica portfolio create --db FILE --name N --runs 1,2,3 [--weights …] [--target VOL] [--align exact|common] [--window 250]
                  [--rebalance 20] [--cost-bps 1] [--json]   (store a portfolio of the runs, hashed from their results, chained)
  mechanica portfolio show --db FILE --id ID [--json]   (a stored portfolio, re-simulated from its members and checked)
  mechanica portfolio walk-forward --db FILE --id ID --run R --param path=v1,v2,… --train N --test M [--step K] [--anchored]
                  [--blocks 16] [--purge 0] [--json]   (pod R's parameter: in- vs out-of-sample per fold, PBO, CPCV; logged on the portfolio)
  mechanica portfolio stress --db FILE --id ID [--shock corr=1|vol=2|regime=20]... [--loss-limit 0.1]
                  [--limit maxPodWeight=0.4]... [--menus] [--json]   (shocks, reverse stress, members' stress menus, limits; logged on the portfolio)
  mechanica portfolio crowding [--agents 1,2,5,10] [--set shares|periods|gamma|eta|epsilon|lambda|sigma|mid=value]... [--scenarios 2000] [--seed 1] [--json]
                  (N agents liquidating one position, Almgren–Chriss: cost per agent and drawdown amplification)
  mechanica agent check <model.gguf | http://127.0.0.1:PORT/v1> [--allow-remote] [--json]   (the agent's model, checked without loading it)
  mechanica terrain --csv FILE [--window 60] [--json]   (correlation terrain of a multi-asset file: date,ticker,close or date,A,B,…)
  mechanica compare-agent <lab> --agent <model.gguf | http://127.0.0.1:PORT/v1> --seeds a..b|a,b,c [--preset P] [--set path=value]... [--db FILE] [--json]
                  (agent against the rule baseline on the same seeds: paired differences, intervals, win share)`

function commandLabs(json: boolean): void {
  const labs = labCatalogue()
  if (json) {
    console.log(JSON.stringify(labs.map(({ defaults: _defaults, ...lab }) => lab), null, 2))
    return
  }
  for (const lab of labs) {
    console.log(`${lab.id.padEnd(16)} ch.${lab.chapter}  ${lab.title} — ${lab.steps} steps, seed ${lab.defaultSeed}, actions ${lab.actions.join(' ')}`)
  }
}

async function commandRun(
  positionals: string[],
  values: { preset?: string; seed?: string; set?: string[]; db?: string; json?: boolean; agent?: string },
  openAgent: OpenProvider | null
): Promise<void> {
  const labId = positionals[0] ?? fail('run needs a lab id (see `mechanica labs`)')
  if (positionals.length > 1) fail(`unexpected argument ${JSON.stringify(positionals[1])}`)
  const preset = PresetId.safeParse(values.preset ?? 'faithful')
  if (!preset.success) fail(`--preset must be "faithful", "corrected" or a lab profile (got ${JSON.stringify(values.preset)})`)
  const seed = parseSeed(values.seed)
  const candidate = { task: 'lab', lab: labId, preset: preset.data, overrides: parseSets(values.set ?? []), ...(seed === undefined ? {} : { seed }) }
  const parsed = LabRunSpec.safeParse(candidate)
  if (!parsed.success) fail(summariseIssues(issuesFromZod(parsed.error, candidate, 'spec')))
  const spec = parsed.data

  // Validate everything (lab, keys, values) before opening or writing anything.
  const plan = planLab(spec)
  const inputs = await localInputs(spec, plan.requires)
  // The agent's model is opened (and checked) before the database: a model that fails stores nothing.
  const { output, runId } = await withCliAgent(values.agent, openAgent, fail, async (provider) => {
    const agent = provider ? { provider } : undefined
    const db = values.db ? openDatabase(values.db) : null
    try {
      if (db) {
        // Stored as the app stores it: the decision log committed batch by batch while the run advances.
        const withAgent = agent ? { agent: { options: agent, store: new AgentCallsStore(db) } } : {}
        const stored = await runAndStore(new RunsRepository(db), spec, { clock: systemClock, codeVersion: CODE_VERSION, inputs, ...withAgent })
        if (!stored.output) throw stored.error
        return { output: stored.output, runId: stored.run.id as number | undefined }
      }
      return { output: await executeLab(spec, { inputs, ...(agent ? { agent } : {}) }), runId: undefined }
    } finally {
      // Closing checkpoints the WAL: the database is one file again when the command returns.
      db?.close()
    }
  })
  const row = runId === undefined ? undefined : { id: runId }
  const r = output.results
  const summary = {
    lab: r.manifest.lab,
    preset: r.manifest.preset,
    seed: r.manifest.seed,
    configHash: r.manifest.configHash,
    resultsHash: r.manifest.resultsHash,
    codeVersion: r.manifest.codeVersion,
    steps: r.steps,
    halted: r.halted,
    ...(r.haltReason === undefined ? {} : { haltReason: r.haltReason }),
    metrics: r.metrics,
    actions: countedActions(plan.lab, r.actions),
    regimeCounts: r.regimeCounts,
    corrections: r.corrections.map((c) => c.id),
    // a lab's own summary blocks for scripts (market-terrain: fault alerts, hardness, watersheds;
    // its regime grouping scores and the walk-forward folds when the lab's report carries them)
    ...(r.telemetry.terrain === undefined ? {} : { terrain: r.telemetry.terrain }),
    ...(r.telemetry.grouping === undefined ? {} : { grouping: r.telemetry.grouping }),
    ...(r.telemetry.walk_forward === undefined ? {} : { walk_forward: r.telemetry.walk_forward }),
    ...(r.agent ? { agent: agentJson(r) } : {}),
    ...(row ? { runId: row.id, database: values.db } : {})
  }
  if (values.json) console.log(JSON.stringify(summary, null, 2))
  else {
    console.log(`${summary.lab} (${summary.preset}, seed ${summary.seed}): ${summary.steps} steps${summary.halted ? `, halted ${r.haltReason === undefined ? 'by the drawdown stop' : `(${r.haltReason})`}` : ''}`)
    for (const [k, v] of Object.entries(summary.metrics)) console.log(`  ${k.padEnd(28)} ${v}`)
    console.log(`  actions ${Object.entries(summary.actions).map(([k, v]) => `${k} ${v}`).join(' / ')}`)
    if (r.agent) console.log(`  agent: ${r.agent.message}`)
    console.log(`  configHash ${summary.configHash}\n  resultsHash ${summary.resultsHash}`)
  }
}

interface SweepValues {
  preset?: string
  seeds?: string
  grid?: string[]
  stress?: boolean
  set?: string[]
  jobs?: string
  db?: string
  metrics?: string
  json?: boolean
  queue?: string
  attach?: string
  'allow-remote'?: boolean
  'redis-ca'?: string
  'step-log'?: boolean
  batch?: string
}

let localClassifier: Promise<LocalClassifier> | null = null
/** The execution-provider probe, run in a child process so native libraries' warnings stay off our stderr. */
const PROVIDER_PROBE = join(__dirname, 'workers', 'provider-probe.js')

/** A plan's inputs computed in this process: the regime model's output over the lab's price series. */
async function localInputs(spec: LabRunSpec, requires: readonly string[]): Promise<LabInputs> {
  if (!requires.includes('regime-model')) return {}
  const module = findLab(spec.lab)
  if (!module.priceSeries) fail(`${spec.lab} has no price series for the regime model`)
  localClassifier ??= openLocalClassifier(modelsDir(__dirname), PROVIDER_PROBE)
  const report = await (await localClassifier).classify(module.priceSeries.series(planLab(spec).config).closes, null)
  return { regime: regimeInputFromReport(report) }
}

/** `sweep --json` prints the whole output; otherwise a table of the chosen (or first four) metrics. */
function printSweep<O extends { table: SweepRow[] }>(output: O, values: SweepValues): void {
  if (values.json) {
    console.log(JSON.stringify(output, null, 2))
    return
  }
  const { table } = output
  const metricsOf = (row: SweepRow): Record<string, number | null> | undefined => ('metrics' in row ? row.metrics : undefined)
  const chosen = values.metrics?.split(',').map((m) => m.trim()).filter(Boolean)
  const metricNames = chosen?.length ? chosen : Object.keys(table.map(metricsOf).find((m) => m) ?? {}).slice(0, 4)
  console.log(['label', 'seed', ...metricNames].join('\t'))
  for (const row of table) {
    const metrics = metricsOf(row)
    console.log([row.label, row.seed, ...metricNames.map((m) => (metrics ? metrics[m] : 'error' in row ? row.error : ''))].join('\t'))
  }
}

/** The store a queued sweep is written to: --db, else MECHANICA_DB, else the app's own. */
function queueStore(values: SweepValues): string {
  return resolveDatabasePath(values.db ? ['--db', values.db] : [], process.env, defaultDataDir())
}

/** Seeds × (base | stress variants | grid cells), spread over one engine process per core (or a queue's workers). */
async function commandSweep(positionals: string[], values: SweepValues): Promise<void> {
  if (values.attach) {
    if (positionals.length) fail('sweep --attach ID takes no lab (the sweep knows it)')
    return printSweep(await attachSweep({ ...values, db: queueStore(values) }, values.attach, systemClock), values)
  }
  const labId = positionals[0] ?? fail('sweep needs a lab id (see `mechanica labs`)')
  const preset = PresetId.safeParse(values.preset ?? 'faithful')
  if (!preset.success) fail(`--preset must be "faithful", "corrected" or a lab profile (got ${JSON.stringify(values.preset)})`)
  const jobs = values.jobs === undefined ? availableParallelism() : Number(values.jobs)
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) fail(`--jobs must be a whole number from 1 to 64 (got ${JSON.stringify(values.jobs)})`)
  let planned: PlannedRun[]
  try {
    const module = findLab(labId)
    const base = parseSets(values.set ?? [])
    const stress = values.stress ? (module.stressMenu?.(planLab({ task: 'lab', lab: labId, preset: preset.data, overrides: base }).config) ?? fail(`${labId} has no stress menu`)) : []
    planned = expandExperiment({
      lab: labId,
      preset: preset.data,
      base,
      seeds: values.seeds ? parseSeeds(values.seeds) : [],
      grid: (values.grid ?? []).map(parseGridAxis),
      stress
    })
  } catch (error) {
    if (error instanceof UsageError || error instanceof ApiError) throw error
    fail((error as Error).message)
  }
  // Plan every run first: a bad grid value fails here, before any process starts or row is written.
  const plans = planned.map((p) => planLab(p.spec))
  if (values.queue) return printSweep(await queuedSweep({ ...values, db: queueStore(values), log: values['step-log'] ?? false }, labId, preset.data, planned, plans, systemClock), values)

  const workers = Array.from({ length: Math.min(jobs, planned.length) }, () =>
    new SupervisedService('engine', engineMethods, join(__dirname, 'workers', 'engine.js'), launchNodeProcess)
  )
  const controller = new AbortController()
  process.once('SIGINT', () => controller.abort())
  const started = systemClock.nowMs()
  let lastReport = 0
  // With --db every cell is stored as the app stores a run: its row first, the decision log
  // committed slice by slice as the engine emits it, then the results with the last slice.
  const db = values.db ? openDatabase(values.db) : null
  const repository = db ? new RunsRepository(db) : null
  const runIds: Array<number | undefined> = planned.map(() => undefined)
  const onProgress = ({ done, total, failed }: { done: number; total: number; failed: number }): void => {
    const now = systemClock.nowMs()
    if (done === total || now - lastReport > 1000) {
      lastReport = now
      process.stderr.write(`sweep: ${done}/${total} runs${failed ? `, ${failed} failed` : ''}\n`)
    }
  }
  try {
    await Promise.all(workers.map((w) => w.start()))
    let outcomes: CellOutcome[]
    if (!repository) {
      // Nothing stored per run: cells travel in batches and come back as summaries.
      const cells = await Promise.all(planned.map(async (run, i) => ({ spec: run.spec, ...(plans[i]!.requires.length > 0 ? { inputs: await localInputs(run.spec, plans[i]!.requires) } : {}) })))
      outcomes = await runCellsOnPool(workers, cells, async (worker, batch, signal) => (await worker.call('engine.runCells', { cells: batch }, { signal })).cells, { signal: controller.signal, onProgress })
    } else {
      const results = await runOnPool(
        workers,
        planned,
        async (worker, run, signal, index) => {
          const plan = plans[index]!
          const inputs = plan.requires.length > 0 ? await localInputs(run.spec, plan.requires) : {}
          const row = repository.create({ spec: run.spec, seed: plan.seed, steps: plan.steps, configHash: plan.configHash, codeVersion: CODE_VERSION, createdAt: systemClock.isoNow() })
          runIds[index] = row.id
          try {
            const output = await worker.call('engine.run', { spec: run.spec, inputs, logBatches: true }, { signal, on: { log: (slice) => repository.appendStepLog(row.id, slice) } })
            if (output.results.kind !== 'lab') throw new Error(`engine.run answered ${run.label} without a lab run's results`)
            repository.complete(row.id, systemClock.isoNow(), output, undefined, output.logTail)
            return summaryOf(output.results, output.resultsHash)
          } catch (error) {
            repository.end(row.id, 'failed', systemClock.isoNow(), 0, (error as Error).message)
            throw error
          }
        },
        { signal: controller.signal, onProgress }
      )
      outcomes = results.map((r): CellOutcome => (r.ok ? { ok: true, summary: r.value! } : { ok: false, error: { code: 'failed', message: r.error ?? 'not run' } }))
    }
    const table = planned.map((run, i) => sweepRow(run, plans[i]!, outcomes[i], outcomes[i]?.ok ? runIds[i] : undefined))
    const seconds = (systemClock.nowMs() - started) / 1000
    process.stderr.write(`sweep: ${planned.length} runs on ${workers.length} processes in ${seconds.toFixed(2)} s\n`)
    printSweep({ lab: labId, preset: preset.data, runs: planned.length, jobs: workers.length, table }, values)
  } finally {
    db?.close()
    await Promise.all(workers.map((w) => w.stop()))
  }
}

/** The correlation terrain of a user's multi-asset CSV (long or wide); nothing is stored. */
function commandTerrain(values: { csv?: string; window?: string; json?: boolean }): void {
  const file = values.csv ?? fail('terrain needs --csv FILE')
  const window = values.window === undefined ? 60 : Number(values.window)
  if (!Number.isInteger(window) || window < 3) fail(`--window must be a whole number ≥ 3 (got ${JSON.stringify(values.window)})`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    fail(`cannot read ${file}: ${(error as Error).message}`)
  }
  let result: ReturnType<typeof terrainOfPanel>
  try {
    result = terrainOfPanel(parsePriceCsvPanel(text), window)
  } catch (error) {
    if (error instanceof CsvValidationError || error instanceof RangeError) fail(`${file}: ${error.message.split('\n')[0]}`)
    throw error
  }
  if (values.json) console.log(JSON.stringify(result, null, 2))
  else {
    const t = result.terrain
    const f = (x: number | null) => (x === null ? '—' : x.toFixed(3))
    console.log(`${file}: ${result.assets.length} assets, ${result.dates} dates, windows ${result.window}/${result.long_window} bars`)
    console.log(`  fault alerts ${t.fault_alerts}, mean eigen hardness ${f(t.mean_eigen_hardness)}, mean edge hardness ${f(t.mean_edge_hardness)}`)
    console.log(`  watersheds: ${t.clusters.map((c) => c.join(' ')).join(' | ')}`)
    console.log(`  state from ${result.state.from_date ?? '—'}, mean Surprise ${f(result.state.mean_surprise)}; regime switches ${result.grouping.methods.map((m) => `${m.method} ${m.switches}`).join(' / ') || '— (too few bars)'}`)
  }
}

/** An online, verified copy of a database file; works while the app has it open. */
async function commandBackup(values: { db?: string; out?: string; overwrite?: boolean; json?: boolean }): Promise<void> {
  const file = values.db ?? fail('backup needs --db FILE (the database to copy)')
  let db
  try {
    // Read-only: a backup never migrates or otherwise writes the source.
    db = openDatabase(file, { readonly: true })
  } catch (error) {
    if (error instanceof StoreOpenError) fail(error.message)
    throw error
  }
  try {
    const result = values.out ? await backupDatabase(db, values.out, { overwrite: values.overwrite ?? false }) : await backupNextTo(db, file)
    if (values.json) console.log(JSON.stringify(result, null, 2))
    else console.log(`backed up ${result.runs} run(s) to ${result.path} (${result.bytes} bytes, schema v${result.schemaVersion}, integrity ok)`)
  } catch (error) {
    if (error instanceof BackupError) fail(error.reason === 'exists' ? `${error.message}; choose another --out or pass --overwrite` : error.message)
    throw error
  } finally {
    db.close()
  }
}

/**
 * Opens `--agent`'s model: checked first without loading weights (a missing file, a file that
 * is not GGUF, an endpoint that does not answer fail here in one line), then served by the
 * agent service in its own process, so a crashed or hung model cannot take the CLI down.
 */
function openAgentProvider(allowRemote: boolean): OpenProvider {
  return async (target) => {
    await checkAgentTarget(target, { allowRemote })
    return openAgentService(target, { workersDir: join(__dirname, 'workers'), allowRemote })
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      preset: { type: 'string' },
      seed: { type: 'string' },
      set: { type: 'string', multiple: true },
      db: { type: 'string' },
      seeds: { type: 'string' },
      grid: { type: 'string', multiple: true },
      stress: { type: 'boolean', default: false },
      jobs: { type: 'string' },
      metrics: { type: 'string' },
      lab: { type: 'string' },
      compare: { type: 'boolean', default: false },
      csv: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
      run: { type: 'string' },
      overwrite: { type: 'boolean', default: false },
      format: { type: 'string' },
      help: { type: 'boolean', default: false },
      runs: { type: 'string' },
      weights: { type: 'string' },
      confidence: { type: 'string' },
      window: { type: 'string' },
      horizon: { type: 'string' },
      align: { type: 'string' },
      target: { type: 'string' },
      scenarios: { type: 'string' },
      series: { type: 'boolean', default: false },
      'allow-remote': { type: 'boolean', default: false },
      queue: { type: 'string' },
      attach: { type: 'string' },
      'redis-ca': { type: 'string' },
      'step-log': { type: 'boolean', default: false },
      concurrency: { type: 'string' },
      'lock-ms': { type: 'string' },
      agent: { type: 'string' },
      name: { type: 'string' },
      id: { type: 'string' },
      rebalance: { type: 'string' },
      'cost-bps': { type: 'string' },
      param: { type: 'string' },
      train: { type: 'string' },
      test: { type: 'string' },
      step: { type: 'string' },
      anchored: { type: 'boolean', default: false },
      blocks: { type: 'string' },
      purge: { type: 'string' },
      shock: { type: 'string', multiple: true },
      'loss-limit': { type: 'string' },
      limit: { type: 'string', multiple: true },
      menus: { type: 'boolean', default: false },
      agents: { type: 'string' },
      batch: { type: 'string' },
      'export-series': { type: 'string' },
      model: { type: 'string' }
    }
  })
  const [command, ...rest] = positionals
  if (values.help || command === undefined) {
    console.log(USAGE)
    return
  }
  switch (command) {
    case 'labs':
      return commandLabs(values.json ?? false)
    case 'run':
      return commandRun(rest, values, openAgentProvider(values['allow-remote'] ?? false))
    case 'sweep':
      return commandSweep(rest, values)
    case 'verify':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return commandVerify(values)
    case 'replay':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return commandReplay(values, localInputs, openAgentProvider(values['allow-remote']))
    case 'backup':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return commandBackup(values)
    case 'regime':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return commandRegime(values, { models: modelsDir(__dirname), probe: PROVIDER_PROBE })
    case 'worker':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return runWorker(values, join(__dirname, 'workers', 'engine.js'), launchNodeProcess, systemClock)
    case 'memo':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return commandMemo(values, localInputs)
    case 'portfolio':
      return commandPortfolio(rest, values)
    case 'agent':
      return commandAgent(rest, values)
    case 'terrain':
      if (rest.length) fail(`unexpected argument ${JSON.stringify(rest[0])}`)
      return commandTerrain(values)
    case 'compare-agent': {
      const comparison = await commandCompareAgent(rest, values, {
        open: openAgentProvider(values['allow-remote'] ?? false),
        inputs: (spec, requires) => localInputs(spec, requires),
        clock: systemClock,
        codeVersion: CODE_VERSION,
        progress: (line) => process.stderr.write(`${line}\n`)
      })
      console.log(values.json ? JSON.stringify({ ...comparison, ...(values.db ? { database: values.db } : {}) }, null, 2) : compareAgentText(comparison))
      return
    }
    default:
      fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`)
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof QueueConfigError || error instanceof MemoUsageError || error instanceof AuditUsageError || error instanceof PortfolioUsageError || error instanceof AgentUsageError || error instanceof ApiError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    console.error(`mechanica: ${(error as Error).message.split('\n')[0]}`)
    process.exit(2)
  }
  console.error('mechanica: failed:', error)
  process.exit(1)
})
