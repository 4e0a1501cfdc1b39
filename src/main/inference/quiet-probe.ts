import { spawn } from 'node:child_process'
import { PROVIDER_ORDER, PROVIDER_TIMEOUT_MS, type ExecutionProviderName, type ProviderAttempt } from './providers'

/** What the probe process prints: the provider that answered and every attempt, or why none did. */
export type ProbeOutcome = { provider: ExecutionProviderName; attempts: ProviderAttempt[] } | { error: string }

/** The whole probe's bound: every provider's own timeout, and start-up. */
const PROBE_PROCESS_TIMEOUT_MS = PROVIDER_ORDER.length * PROVIDER_TIMEOUT_MS + 10_000

/**
 * Runs the execution-provider probe (out/main/workers/provider-probe.js) in a child process
 * whose stderr is captured, so what native libraries print while providers are tried (Dawn's
 * Vulkan warning where WebGPU finds no adapter) stays out of the CLI's stderr; each skipped
 * provider's reason is in `attempts`. The child's stderr is shown only when the probe itself
 * fails.
 */
export function probeProvidersQuietly(script: string, timeoutMs = PROBE_PROCESS_TIMEOUT_MS): Promise<{ provider: ExecutionProviderName; attempts: ProviderAttempt[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', (error) => reject(new Error(`The execution-provider probe could not start (${script}): ${error.message}`)))
    child.on('close', (code, signal) => {
      const line = stdout.trim().split('\n').at(-1) ?? ''
      let outcome: ProbeOutcome | undefined
      try {
        outcome = code === 0 ? (JSON.parse(line) as ProbeOutcome) : undefined
      } catch {
        outcome = undefined
      }
      if (outcome === undefined || (!('error' in outcome) && typeof outcome.provider !== 'string')) {
        const how = signal ? `was stopped by ${signal}${signal === 'SIGKILL' ? ` (no answer within ${timeoutMs / 1000} s)` : ''}` : `exited with code ${code}`
        const said = stderr.trim().split('\n').filter((l) => l.trim() !== '').slice(-3).join(' | ')
        reject(new Error(`The execution-provider probe (${script}) ${how} without a JSON outcome on stdout${said ? `; its stderr: ${said}` : ''}`))
        return
      }
      if ('error' in outcome) reject(new Error(outcome.error))
      else resolve(outcome)
    })
  })
}
