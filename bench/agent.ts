import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { ProcessAgentProvider } from '../src/main/agent/process-provider'
import type { AgentProvider, AgentRequest } from '../src/main/agent/provider'
import { openEmbeddedProvider } from '../src/main/agent/providers/embedded'
import { agentQuestion } from '../src/main/agent/testing/fixtures'
import { writeTestModel } from '../src/main/agent/testing/test-model'

// The agent's decisions with the tiny test model (tools/agent/make-test-model.mjs): in this
// process, then through the agent service process, measured in this same run so that the
// ratio is the process boundary's cost and machine speed cancels out. One thread, CPU only:
// the figures are the runtime's overhead, not what a real model on a GPU does.
const DECISIONS = 40
const WARM_UP = 3

function question(i: number): AgentRequest {
  return agentQuestion(['hold', 'buy', 'sell', 'flat'], {
    user: `Step ${i}: spread 1.25 bp, inventory ${(i % 7) - 3}, regime ${i % 3 === 0 ? 'stress' : 'calm'}. Choose an action.`,
    maxRationaleChars: 60,
    temperature: 0.7,
    seed: 1_000 + i,
    maxTokens: 120
  })
}

interface Figures {
  perSecond: number
  p50: number
  p95: number
  tokens: number
}

function quantile(sorted: number[], q: number): number {
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[i]!
}

async function measure(provider: AgentProvider): Promise<Figures> {
  for (let i = 0; i < WARM_UP; i++) await provider.complete(question(i))
  const latencies: number[] = []
  let tokens = 0
  const t0 = performance.now()
  for (let i = 0; i < DECISIONS; i++) {
    const started = performance.now()
    const reply = await provider.complete(question(i))
    latencies.push(performance.now() - started)
    tokens += reply.completionTokens
  }
  const seconds = (performance.now() - t0) / 1000
  latencies.sort((a, b) => a - b)
  return { perSecond: DECISIONS / seconds, p50: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), tokens: tokens / DECISIONS }
}

export async function benchAgent(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-bench-agent-'))
  try {
    const modelFile = writeTestModel(dir, 1)
    const inProcess = await openEmbeddedProvider(modelFile, { gpu: false, threads: 1, contextSize: 1024 })
    const local = await measure(inProcess).finally(() => inProcess.close())
    const service = await ProcessAgentProvider.open({
      entryFile: join(__dirname, 'workers/agent.js'),
      open: { target: modelFile, gpu: false, threads: 1, contextSize: 1024 }
    })
    const remote = await measure(service).finally(() => service.close())

    console.log(`\nagent: ${DECISIONS} decisions with the tiny test model (CPU, 1 thread, JSON-schema grammar)`)
    console.log(`${'provider'.padEnd(40)} ${'decisions/s'.padStart(12)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'tokens'.padStart(7)} ${'× in process'.padStart(13)}`)
    for (const [name, f] of [
      ['embedded, in process (baseline)', local],
      ['embedded, agent service process', remote]
    ] as const) {
      console.log(
        `${name.padEnd(40)} ${f.perSecond.toFixed(1).padStart(12)} ${f.p50.toFixed(1).padStart(8)} ${f.p95.toFixed(1).padStart(8)} ${f.tokens.toFixed(0).padStart(7)} ${(local.perSecond / f.perSecond).toFixed(2).padStart(13)}`
      )
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
