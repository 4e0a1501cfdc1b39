#!/usr/bin/env node
// `npm run dist`: the Linux x64 AppImage, built by electron-builder from electron-builder.cjs
// (fuses, files, ASAR) around the Electron binary that the set-up fetched. Where that binary is
// missing (offline installs never have it) it refuses before building anything and says why.
//   MECHANICA_ELECTRON_DIST=DIR  package the unpacked Electron in DIR instead of node_modules'
//   MECHANICA_SKIP_BUILD=1       reuse out/ as it is (no electron-vite build)
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { root } from './environment.mjs'

const require = createRequire(import.meta.url)
const config = require('../electron-builder.cjs')

/**
 * Why an AppImage cannot be built on this machine, one sentence each (empty when it can).
 * `electronDist` is the unpacked Electron that electron-builder copies into the package.
 */
export function distBlockers({ electronDist, electronVersion, platform, arch }) {
  const blockers = []
  if (platform !== 'linux' || arch !== 'x64') {
    blockers.push(`the packaging configuration builds a Linux x64 AppImage, and this machine is ${platform} ${arch}`)
  }
  // electron-builder names the binary after the app when it copies it; this is the name Electron ships.
  const binary = join(electronDist, 'electron')
  if (!existsSync(binary)) {
    blockers.push(
      `the Electron ${electronVersion} binary is not at ${binary} (Electron fetches it on first use; an offline ` +
        'install goes without it). Fetch it with `npx install-electron` where the network is reachable, or set ' +
        'MECHANICA_ELECTRON_DIST to an unpacked Electron of that version, then run `npm run dist` again'
    )
  }
  return blockers
}

function electronVersion() {
  return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version
}

function run(command, args) {
  return spawnSync(command, args, { cwd: root, stdio: 'inherit' }).status === 0
}

function main() {
  const electronDist = resolve(root, process.env.MECHANICA_ELECTRON_DIST ?? config.electronDist)
  const blockers = distBlockers({ electronDist, electronVersion: electronVersion(), platform: process.platform, arch: process.arch })
  if (blockers.length > 0) {
    console.error('npm run dist: cannot build the AppImage here:')
    for (const blocker of blockers) console.error(`  - ${blocker}.`)
    console.error('Nothing was built.')
    process.exit(1)
  }
  if (process.env.MECHANICA_SKIP_BUILD !== '1' && !run(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'])) {
    console.error('npm run dist: the build failed; see above. Nothing was packaged.')
    process.exit(1)
  }
  // electron-builder rebuilds better-sqlite3 in node_modules for Electron's ABI; the tests and
  // the browser host load it under Node, so its Node build is put back afterwards.
  const sqlite = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
  const saved = join(root, 'node_modules', '.mechanica-better_sqlite3.node.node-abi')
  if (existsSync(sqlite)) copyFileSync(sqlite, saved)
  let ok
  try {
    ok = run(process.execPath, [
      join(root, 'node_modules/electron-builder/cli.js'),
      '--linux',
      'AppImage',
      '--x64',
      '--config',
      join(root, 'electron-builder.cjs'),
      `-c.electronDist=${electronDist}`,
      '--publish',
      'never'
    ])
  } finally {
    if (existsSync(saved)) {
      copyFileSync(saved, sqlite)
      rmSync(saved)
    }
  }
  if (!ok) {
    console.error(
      'npm run dist: electron-builder failed; see above. It needs the network the first time, for Electron\'s ' +
        'headers (to rebuild better-sqlite3) and for its AppImage tools, which it then caches.'
    )
    process.exit(1)
  }
  const output = join(root, config.directories.output)
  const images = readdirSync(output).filter((name) => name.endsWith('.AppImage'))
  console.log(`npm run dist: built ${images.map((name) => join(output, name)).join(', ')}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
