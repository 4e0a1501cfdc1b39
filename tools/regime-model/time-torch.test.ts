import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

// tools/regime-model/time_torch.py, which `npm run bench` runs to time PyTorch on this machine.
// It needs a python3 that imports torch (Debian: apt-get install python3-torch, for /usr/bin/python3);
// where there is none the bench says so, and these tests are skipped.
const script = join(__dirname, 'time_torch.py')
const models = join(__dirname, '..', '..', 'resources', 'models')
const python = ['python3', '/usr/bin/python3'].find((p) => spawnSync(p, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0)

const temps: string[] = []
afterEach(() => temps.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

/** A copy of the shipped model folder, changed by `change`. */
function modelsCopy(change: (dir: string) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-torch-models-'))
  temps.push(dir)
  cpSync(models, dir, { recursive: true })
  change(dir)
  return dir
}

const timeTorch = (args: string[]) => spawnSync(python!, [script, '--model', 'regime-ssm', '--repeats', '1', ...args], { encoding: 'utf8', timeout: 120_000 })

describe.skipIf(python === undefined)('time_torch.py (PyTorch timing for the bench)', () => {
  it('loads the shipped weights from the step graph, reproduces the PyTorch fixture and times both ways', () => {
    const fixture = JSON.parse(readFileSync(join(models, 'regime-ssm.fixtures.json'), 'utf8')) as { x: number[][]; tolerance: number }
    const dir = mkdtempSync(join(tmpdir(), 'mechanica-torch-x-'))
    temps.push(dir)
    writeFileSync(join(dir, 'x.json'), JSON.stringify({ x: fixture.x }))
    const out = timeTorch(['--x', join(dir, 'x.json'), '--json'])
    expect(out.stderr).toBe('')
    expect(out.status).toBe(0)
    const result = JSON.parse(out.stdout) as { threads: number; bars: number; parity: { step_max_abs_diff: number; series_max_abs_diff: number }; streaming: { per_step_ms: number }; whole_series: { ms: number } }
    expect(result.threads).toBe(1)
    expect(result.bars).toBe(fixture.x.length)
    expect(result.parity.step_max_abs_diff).toBeLessThanOrEqual(fixture.tolerance)
    expect(result.parity.series_max_abs_diff).toBeLessThanOrEqual(fixture.tolerance)
    expect(result.streaming.per_step_ms).toBeGreaterThan(0)
    expect(result.whole_series.ms).toBeGreaterThan(0)
  })

  it('refuses to time weights that do not reproduce the fixture', () => {
    const dir = modelsCopy((d) => {
      const file = join(d, 'regime-ssm.fixtures.json')
      const fixture = JSON.parse(readFileSync(file, 'utf8')) as { p: number[][] }
      fixture.p[10]![0]! += 0.01
      writeFileSync(file, JSON.stringify(fixture))
    })
    const out = timeTorch(['--models', dir])
    expect(out.status).toBe(2)
    expect(out.stdout).toBe('')
    expect(out.stderr).toMatch(/^time_torch: the weights read from the step graph do not reproduce the fixture \(max \|diff\| step 1\.0\de-02, whole series 1\.0\de-02; tolerance 1e-05\)\n$/)
  })

  it('refuses a step graph that does not match its card', () => {
    const dir = modelsCopy((d) => {
      const file = join(d, 'regime-ssm.onnx')
      const bytes = readFileSync(file)
      const at = bytes.length >> 1
      bytes[at] = bytes[at]! ^ 0x01
      writeFileSync(file, bytes)
    })
    const out = timeTorch(['--models', dir])
    expect(out.status).toBe(2)
    expect(out.stderr).toMatch(/^time_torch: regime-ssm\.onnx does not match its card \(sha256 [0-9a-f]{12}…, card says [0-9a-f]{12}…\)\n$/)
  })
})
