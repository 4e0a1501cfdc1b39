import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { distBlockers } from './dist.mjs'

// The packaging configuration as electron-builder reads it, checked with electron-builder's own
// code (its schema, its fuse mapping, and the @electron/fuses it depends on), so a key it would
// silently ignore or a fuse it would not write fails here rather than in a shipped binary.
const root = join(__dirname, '..')
const require = createRequire(import.meta.url)
const config = require('../electron-builder.cjs')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const builderRequire = createRequire(require.resolve('app-builder-lib'))
const { PlatformPackager } = builderRequire('app-builder-lib')
const { validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config')
const fuses = builderRequire('@electron/fuses')
const { SENTINEL, FuseState } = builderRequire('@electron/fuses/dist/constants')

// Electron's security guide, "Check which fuses you can change" (and the fuses page it links).
const recommended = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true
}

const quiet = { isEnabled: false, add: () => undefined }

const scratch: string[] = []
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mechanica-dist-'))
  scratch.push(dir)
  return dir
}

/**
 * A stand-in for the Electron binary: the fuse wire as Electron 45 ships it (sentinel, wire
 * version 1, eight fuses: run-as-node on, cookie encryption off, NODE_OPTIONS on, inspect on,
 * ASAR integrity off, only-from-ASAR off, V8 snapshot off, file:// privileges on).
 */
function standInElectron(dir: string): string {
  const binary = join(dir, 'electron')
  const wire = Buffer.from([1, 8, ...'10110001'].map((c) => (typeof c === 'number' ? c : c.charCodeAt(0))))
  writeFileSync(binary, Buffer.concat([Buffer.from('\x7fELF stand-in '), Buffer.from(SENTINEL), wire, Buffer.from(' rest')]))
  return binary
}

describe('electron-builder.cjs', () => {
  it('sets every fuse that Electron\'s security guide recommends, each by a name electron-builder knows', () => {
    const set = config.electronFuses as Record<string, boolean>
    const fuseName = (key: string): string => key[0]!.toUpperCase() + key.slice(1)
    expect(Object.keys(set).filter((key) => typeof fuses.FuseV1Options[fuseName(key)] !== 'number')).toEqual([])
    expect(Object.fromEntries(Object.keys(recommended).map((key) => [key, set[key]]))).toEqual(recommended)
  })

  it('passes electron-builder\'s own validation, which refuses a misspelt fuse', async () => {
    await expect(validateConfiguration(structuredClone(config), quiet)).resolves.toBeUndefined()
    const misspelt = { ...structuredClone(config), electronFuses: { ...config.electronFuses, runAsnode: false } }
    await expect(validateConfiguration(misspelt, quiet)).rejects.toThrow(/configuration.electronFuses/)
  })

  it('makes electron-builder write those fuses into the Electron binary it packages', async () => {
    const binary = standInElectron(tempDir())
    // The two steps electron-builder runs after packing (platformPackager doAddElectronFuses).
    const fuseConfig = await PlatformPackager.prototype.generateFuseConfig.call(null, config.electronFuses)
    await fuses.flipFuses(binary, fuseConfig)
    const wire = await fuses.getCurrentFuseWire(binary)
    const read = (name: string): string => {
      const state = wire[fuses.FuseV1Options[name]]
      return state === FuseState.ENABLE ? 'on' : state === FuseState.DISABLE ? 'off' : `state ${state}`
    }
    expect({
      RunAsNode: read('RunAsNode'),
      EnableCookieEncryption: read('EnableCookieEncryption'),
      EnableNodeOptionsEnvironmentVariable: read('EnableNodeOptionsEnvironmentVariable'),
      EnableNodeCliInspectArguments: read('EnableNodeCliInspectArguments'),
      EnableEmbeddedAsarIntegrityValidation: read('EnableEmbeddedAsarIntegrityValidation'),
      OnlyLoadAppFromAsar: read('OnlyLoadAppFromAsar')
    }).toEqual({
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on'
    })
  })

  it('packs the model files its card names and the entry package.json points at', () => {
    const card = JSON.parse(readFileSync(join(root, 'resources/models/regime-ssm.card.json'), 'utf8'))
    const files = config.files as string[]
    expect(files).toEqual(expect.arrayContaining(['package.json', 'resources/models/regime-ssm.card.json', `resources/models/${card.onnx.file}`, `resources/models/${card.onnx_chunk.file}`]))
    expect(pkg.main).toBe('out/main/index.js')
    expect(files).toContain('out/main/**')
  })

  it('leaves out no module that Electron main or a service process loads', () => {
    // What main loads: its entry and the service entries it starts by path, then their requires.
    const outMain = join(root, 'out/main')
    const files = config.files as string[]
    const listed = (prefix: RegExp): string[] => files.map((f) => prefix.exec(f)?.[1]?.split(',') ?? []).flat()
    // The Node-only entries, left out because the packaged binary cannot run them as Node.
    const excludedEntries = new Set(listed(/^!out\/main\/\{([^}]+)\}\.js$/).map((name) => `${name}.js`))
    expect(excludedEntries).toContain('cli.js')
    // The renderer's packages, which Vite bundles into out/renderer.
    const excludedPackages = listed(/^!node_modules\/\{([^}]+)\}/)
    expect(excludedPackages).toContain('react')
    const seen = new Set<string>()
    const packages = new Set<string>()
    const visit = (file: string): void => {
      if (seen.has(file)) return
      seen.add(file)
      for (const [, spec] of readFileSync(file, 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        if (spec!.startsWith('.')) visit(join(dirname(file), spec!))
        else if (!spec!.startsWith('node:') && spec !== 'electron') packages.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!)
      }
    }
    for (const entry of ['index.js', ...readdirSync(join(outMain, 'workers')).map((f) => `workers/${f}`)]) visit(join(outMain, entry))
    expect([...seen].map((f) => relative(outMain, f)).filter((f) => excludedEntries.has(f))).toEqual([])
    expect(packages.size).toBeGreaterThan(2)
    expect([...packages].filter((p) => !(p in pkg.dependencies) || excludedPackages.includes(p))).toEqual([])
  })
})

describe('npm run dist', () => {
  it('refuses where the Electron binary is missing, says why and what to do, and builds nothing', () => {
    const empty = tempDir()
    const result = spawnSync(process.execPath, [join(root, 'tools/dist.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, MECHANICA_ELECTRON_DIST: empty, MECHANICA_SKIP_BUILD: '' }
    })
    expect(result.status).toBe(1)
    const version = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')).version
    expect(result.stderr).toContain('npm run dist: cannot build the AppImage here:')
    expect(result.stderr).toContain(`the Electron ${version} binary is not at ${join(empty, 'electron')}`)
    expect(result.stderr).toContain('npx install-electron')
    expect(result.stderr).toContain('Nothing was built.')
    // Refused before the build step: electron-vite and electron-builder print to stdout.
    expect(result.stdout).toBe('')
    expect(readdirSync(empty)).toEqual([])
  })

  it('has nothing against a Linux x64 machine with the binary, and names a wrong platform', () => {
    const dir = tempDir()
    standInElectron(dir)
    expect(distBlockers({ electronDist: dir, electronVersion: '45.4.1', platform: 'linux', arch: 'x64' })).toEqual([])
    expect(distBlockers({ electronDist: dir, electronVersion: '45.4.1', platform: 'darwin', arch: 'arm64' })).toEqual([
      'the packaging configuration builds a Linux x64 AppImage, and this machine is darwin arm64'
    ])
  })

  it('is the script npm runs, with electron-builder pinned', () => {
    expect(pkg.scripts.dist).toBe('node tools/bootstrap.mjs && node tools/dist.mjs')
    expect(pkg.devDependencies['electron-builder']).toMatch(/^\d+\.\d+\.\d+$/)
  })
})
