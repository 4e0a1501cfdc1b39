import { ESLint } from 'eslint'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

// The layering and determinism rules are part of the architecture: pin that they fire.
const eslint = new ESLint({ cwd: join(__dirname, '..') })

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(__dirname, '..', filePath) })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

describe('lint layering rules', () => {
  it('src/shared may not import node:, Node built-ins, electron or main', async () => {
    const ids = await ruleIdsFor(
      'src/shared/contract/probe.ts',
      "import { readFileSync } from 'node:fs'\nimport path from 'path'\nimport { app } from 'electron'\nimport { x } from '../../main/paths'\nexport const v = [readFileSync, path, app, x]\n"
    )
    expect(ids.filter((id) => id === 'no-restricted-imports')).toHaveLength(4)
  })

  it('src/shared may not touch the DOM', async () => {
    const ids = await ruleIdsFor('src/shared/probe.ts', 'export const w = window.innerWidth + document.title.length\n')
    expect(ids.filter((id) => id === 'no-restricted-globals')).toHaveLength(2)
  })

  it('src/shared may import its own sibling modules, even one named like a Node built-in', async () => {
    const ids = await ruleIdsFor('src/shared/contract/probe.ts', "import { events } from './events'\nexport const e = events\n")
    expect(ids).toEqual([])
  })

  it('the renderer never imports src/main', async () => {
    const ids = await ruleIdsFor('src/renderer/src/probe.ts', "import { RunManager } from '../../main/runs/run-manager'\nexport const r = RunManager\n")
    expect(ids).toContain('no-restricted-imports')
  })

  it('engine, lab, regime and inference code may not read the clock or Math.random', async () => {
    for (const file of ['src/main/engine/probe.ts', 'src/main/labs/fx-carry/probe.ts', 'src/main/regime/probe.ts', 'src/main/inference/probe.ts']) {
      const ids = await ruleIdsFor(file, 'export const v = [Date.now(), Math.random(), performance.now(), new Date()]\n')
      expect(ids.filter((id) => id === 'no-restricted-properties'), file).toHaveLength(3)
      expect(ids.filter((id) => id === 'no-restricted-syntax'), file).toHaveLength(1)
    }
  })

  it('src/main/regime imports neither inference/, labs, onnxruntime nor Node', async () => {
    const ids = await ruleIdsFor(
      'src/main/regime/probe.ts',
      "import { RegimeModel } from '../inference/regime-model'\nimport { hestonRegimeLab } from '../labs/heston-regime/lab'\nimport * as ort from 'onnxruntime-node'\nimport { readFileSync } from 'node:fs'\nimport { spawn } from 'child_process'\nexport const v = [RegimeModel, hestonRegimeLab, ort, readFileSync, spawn]\n"
    )
    expect(ids.filter((id) => id === 'no-restricted-imports')).toHaveLength(5)
  })

  it('src/main/regime may import its siblings and the engine rng', async () => {
    const ids = await ruleIdsFor('src/main/regime/probe.ts', "import { F } from './features'\nimport { Xoshiro128 } from '../engine/rng'\nexport const v = [F, Xoshiro128]\n")
    expect(ids).toEqual([])
  })

  it('labs and the engine never import inference/ or onnxruntime; labs may import regime/', async () => {
    const model = "import { RegimeModel } from '../../inference/regime-model'\nimport * as ort from 'onnxruntime-node'\nexport const v = [RegimeModel, ort]\n"
    for (const file of ['src/main/labs/heston-regime/probe.ts', 'src/main/engine/kernel/probe.ts']) {
      const ids = await ruleIdsFor(file, model)
      expect(ids.filter((id) => id === 'no-restricted-imports'), file).toHaveLength(2)
    }
    expect(await ruleIdsFor('src/main/labs/heston-regime/probe.ts', "import { filterSeries } from '../../regime/filter'\nexport const f = filterSeries\n")).toEqual([])
    // A test may join the layers (an SSM run needs the model); the engine never loads tests.
    expect(await ruleIdsFor('src/main/labs/heston-regime/probe.test.ts', model)).toEqual([])
  })

  it('inference/ may import regime/ and onnxruntime', async () => {
    const ids = await ruleIdsFor('src/main/inference/probe.ts', "import { F } from '../regime/features'\nimport * as ort from 'onnxruntime-node'\nexport const v = [F, ort]\n")
    expect(ids).toEqual([])
  })

  it('the rest of main may read the clock (timestamps, throttling)', async () => {
    const ids = await ruleIdsFor('src/main/runs/probe.ts', 'export const t = Date.now()\n')
    expect(ids).toEqual([])
  })
})
