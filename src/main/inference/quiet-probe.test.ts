import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { SeriesRegimeReport } from '../../shared/contract'
import { probeProvidersQuietly } from './quiet-probe'

// Issue 12, item 6: CLI calls that touch inference keep stderr to the workstation's own
// messages. Without the probe in its own process, Dawn printed "Warning: Couldn't load
// Vulkan: libvulkan.so.1 …" here on every such call (WebGPU has no adapter on this machine).
const root = join(__dirname, '..', '..', '..')
const dir = mkdtempSync(join(tmpdir(), 'mechanica-probe-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const file = join(dir, name)
  writeFileSync(file, body)
  return file
}

describe('the CLI keeps native libraries off its stderr', () => {
  it('regime on a lab: stderr is empty, and each skipped provider says why in the JSON', () => {
    const out = spawnSync(process.execPath, [join(root, 'out/main/cli.js'), 'regime', '--lab', 'heston-regime', '--json'], { encoding: 'utf8', timeout: 120_000 })
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    const report = JSON.parse(out.stdout) as SeriesRegimeReport
    // One entry per provider tried, in order, up to the one that answered.
    expect(report.providers).toMatch(/^cuda: [^;]+(; webgpu: [^;]+)?(; cpu: ok)?$/)
    expect(report.providers).toContain(`${report.executionProvider}: ok`)
  })
})

describe('probeProvidersQuietly', () => {
  it("returns the child's outcome and drops what it wrote to stderr", async () => {
    const file = script('noisy.js', `process.stderr.write("Warning: Couldn't load Vulkan\\n"); console.log(JSON.stringify({ provider: 'cpu', attempts: [{ provider: 'webgpu', ok: false, error: 'No supported adapters' }, { provider: 'cpu', ok: true }] }))`)
    await expect(probeProvidersQuietly(file)).resolves.toEqual({ provider: 'cpu', attempts: [{ provider: 'webgpu', ok: false, error: 'No supported adapters' }, { provider: 'cpu', ok: true }] })
  })

  it('passes on the reason when no provider answered', async () => {
    const file = script('none.js', `console.log(JSON.stringify({ error: 'No execution provider answered the probe model (cpu: broken)' }))`)
    await expect(probeProvidersQuietly(file)).rejects.toThrow(/^No execution provider answered the probe model \(cpu: broken\)$/)
  })

  it('names the script, its exit and its stderr when the probe itself fails', async () => {
    const file = script('crash.js', `process.stderr.write('first\\nsegfault in provider\\n'); process.exit(3)`)
    await expect(probeProvidersQuietly(file)).rejects.toThrow(
      new Error(`The execution-provider probe (${file}) exited with code 3 without a JSON outcome on stdout; its stderr: first | segfault in provider`)
    )
  })

  it('gives up on a probe that does not answer in time', async () => {
    const file = script('hang.js', 'setInterval(() => {}, 1000)')
    await expect(probeProvidersQuietly(file, 500)).rejects.toThrow(`The execution-provider probe (${file}) was stopped by SIGKILL (no answer within 0.5 s) without a JSON outcome on stdout`)
  })
})
