#!/usr/bin/env node
// `npm test`: every check a change must pass, in order, with one summary at the end.
// typecheck → lint → build → unit & integration (Vitest) → end-to-end (Vitest + Playwright).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)
const resultsDir = join(root, 'test-results')
mkdirSync(resultsDir, { recursive: true })

const stages = []
const totals = { passed: 0, failed: 0, skipped: 0 }

function stage(name, command, args, { results, env } = {}) {
  console.log(`\n━━ ${name} ━━`)
  if (results) rmSync(results, { force: true })
  const started = Date.now()
  const { status } = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MECHANICA_SKIP_BUILD: '1', VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true', ...env }
  })
  const seconds = (Date.now() - started) / 1000
  let counts = null
  let failures = []
  if (results && existsSync(results)) {
    const report = JSON.parse(readFileSync(results, 'utf8'))
    counts = { passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests }
    failures = failedTests(report)
    totals.passed += counts.passed
    totals.failed += counts.failed
    totals.skipped += counts.skipped
  }
  const ok = status === 0
  if (!ok && !counts) totals.failed += 1 // a check that is not a test runner counts as one failure
  stages.push({ name, ok, seconds, counts, failures })
  return ok
}

// The failed tests of a Vitest JSON report, so that the summary — often all a CI log keeps —
// names what failed and why, not just how many.
function failedTests(report) {
  const failed = []
  for (const file of report.testResults ?? []) {
    const where = file.name.startsWith(root) ? file.name.slice(root.length + 1) : file.name
    const tests = (file.assertionResults ?? []).filter((t) => t.status === 'failed')
    for (const t of tests) failed.push({ where, title: t.fullName ?? t.title, message: firstLine(t.failureMessages?.[0]) })
    // A file that failed to load has no failed test of its own, only a message.
    if (tests.length === 0 && file.status === 'failed') failed.push({ where, title: '(file)', message: firstLine(file.message) })
  }
  return failed
}

function firstLine(text) {
  // eslint-disable-next-line no-control-regex
  const line = (text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim() !== '') ?? ''
  return line.trim().slice(0, 300)
}

const vitestJson = (file) => ['--reporter=default', '--reporter=json', `--outputFile.json=${file}`]

stage('typecheck', bin('tsc'), ['-p', 'tsconfig.json'])
stage('lint', bin('eslint'), ['--max-warnings', '0', '.'])
const built = stage('build', bin('electron-vite'), ['build'])
if (built) {
  stage('unit & integration', bin('vitest'), ['run', ...vitestJson(join(resultsDir, 'unit.json'))], { results: join(resultsDir, 'unit.json') })
  stage('end-to-end', bin('vitest'), ['run', '-c', 'vitest.e2e.config.mts', ...vitestJson(join(resultsDir, 'e2e.json'))], {
    results: join(resultsDir, 'e2e.json')
  })
} else {
  console.log('\nbuild failed: tests that start the built app were not run')
}

console.log('\n━━ summary ━━')
for (const s of stages) {
  const counts = s.counts ? ` (${s.counts.passed} passed, ${s.counts.failed} failed, ${s.counts.skipped} skipped)` : ''
  console.log(`${s.ok ? 'ok  ' : 'FAIL'} ${s.name.padEnd(20)} ${s.seconds.toFixed(1).padStart(6)} s${counts}`)
  for (const f of s.failures ?? []) console.log(`     ✗ ${f.where} › ${f.title}\n       ${f.message}`)
}
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(stages.every((s) => s.ok) && built ? 0 : 1)
