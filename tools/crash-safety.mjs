#!/usr/bin/env node
// `npm run crash-test`: crash safety at full size (issue 7). Kills the engine process with
// SIGKILL at seeded random moments during lab runs whose decision log is committed batch by
// batch — at least 100 times — and kills the main process itself mid-run. After every kill the
// killed run must be interrupted ("Aborted") with a partial log that verifies up to its last
// committed batch and no other run's row may change; the full store checks (integrity_check,
// foreign_key_check, every run's bytes re-hashed) run after every 10th engine kill, the last one
// and every main-process kill. It prints exactly which kills got which checks.
// The trials are src/main/runs/crash-safety.test.ts (the suite runs a dozen of them); this
// script runs it against the built workstation with larger counts and prints what it measured.
//
//   npm run crash-test -- [--trials 100] [--main-trials 20] [--seed 20261122] [--budget-s 300]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const { values } = parseArgs({
  options: {
    trials: { type: 'string', default: '100' },
    'main-trials': { type: 'string', default: '20' },
    seed: { type: 'string', default: '20261122' },
    'budget-s': { type: 'string', default: '300' }
  }
})
for (const [name, text] of Object.entries(values)) {
  if (!/^\d+$/.test(text)) {
    console.error(`crash-test: --${name} must be a whole number (got ${JSON.stringify(text)})`)
    process.exit(2)
  }
}
if (Number(values.trials) < 1) {
  console.error('crash-test: --trials must be at least 1')
  process.exit(2)
}

const dir = mkdtempSync(join(tmpdir(), 'mechanica-crash-report-'))
const reportPath = join(dir, 'report.json')
const startedAt = performance.now()
// Vitest's global setup builds out/ first unless MECHANICA_SKIP_BUILD=1 and a build is there.
const vitest = spawnSync(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', 'src/main/runs/crash-safety.test.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: {
    ...process.env,
    MECHANICA_CRASH_TRIALS: values.trials,
    MECHANICA_CRASH_MAIN_TRIALS: values['main-trials'],
    MECHANICA_CRASH_SEED: values.seed,
    MECHANICA_CRASH_BUDGET_S: values['budget-s'],
    // Wider than the suite's 900 ms: more kills land after several batches are committed.
    MECHANICA_CRASH_MAX_DELAY_MS: '1600',
    MECHANICA_CRASH_REPORT: reportPath
  }
})
const wallSeconds = (performance.now() - startedAt) / 1000

let report = null
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'))
} catch {
  // The run failed before it could write a report; vitest has said why.
}
rmSync(dir, { recursive: true, force: true })

if (report?.engineKills) {
  const e = report.engineKills
  console.log(`\ncrash safety (seed ${report.seed}), ${wallSeconds.toFixed(1)} s in all`)
  console.log(`  engine SIGKILLs: ${e.trials} in ${e.trialsSeconds} s (bound ${values['budget-s']} s)`)
  console.log(`    landed before the first batch was committed: ${e.kills.beforeFirstBatch}`)
  console.log(`    landed with a batch in flight (emitted, committed after the kill): ${e.kills.batchInFlight}`)
  console.log(`    landed between committed batches: ${e.kills.betweenBatches}`)
  console.log(`    steps kept per killed run: min ${e.loggedSteps.min}, p50 ${e.loggedSteps.p50}, max ${e.loggedSteps.max}`)
  console.log(`    kill → run recorded interrupted: p50 ${e.runEndMs.p50} ms, p95 ${e.runEndMs.p95} ms`)
  console.log(`    kill → engine ready again (recovery): p50 ${e.recoveryMs.p50} ms, p95 ${e.recoveryMs.p95} ms`)
  console.log(`    database after the trials: ${e.databaseMB} MB`)
}
if (report?.mainKills) {
  const m = report.mainKills
  console.log(`  main-process SIGKILLs: ${m.trials} in ${m.seconds} s — ${m.midBatchWrite} tore a WAL commit (uncommitted frames, discarded on reopen), ${m.betweenWrites} did not`)
}
if (vitest.status === 0 && report?.engineKills && report?.mainKills) {
  // Exactly what was checked when (src/main/runs/crash-safety.test.ts).
  const deep = report.engineKills.deepCheckedAfterKills
  const list = deep.length > 4 ? `${deep.slice(0, 2).join(', ')}, …, ${deep.at(-1)}` : deep.join(', ')
  console.log('  every check passed:')
  console.log('    after every engine kill: the killed run interrupted ("Aborted") with whole batches and a partial log that verifies, every other run\'s row and counts unchanged, the engine back')
  console.log(`    after engine kills ${list} (${deep.length} of ${report.engineKills.trials}): also PRAGMA integrity_check ok, foreign_key_check empty, every byte of every run's log, events and results re-hashed unchanged`)
  console.log('    after every main-process kill, on reopen: the killed run interrupted with a partial log that verifies, integrity_check ok, foreign_key_check empty, every earlier run\'s row and bytes unchanged')
}

process.exit(vitest.status ?? 1)
