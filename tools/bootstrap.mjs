#!/usr/bin/env node
// Set-up that `npm start` and `npm test` run first, on any machine, using only Node built-ins:
//  1. dependencies: `npm ci` when node_modules is missing or older than package-lock.json
//     (onnxruntime-node's optional CUDA download is skipped unless asked for);
//  2. the Electron binary: fetched once if possible; where it cannot be, say so and go on
//     (the workstation then runs in its browser host);
//  3. with --for-tests: Chromium for the end-to-end tests and redis-server for the queue's
//     fault tests (apt, when root and missing).
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromiumPath, electronBinaryPath, root } from './environment.mjs'

const forTests = process.argv.includes('--for-tests')
const say = (message) => console.log(`[setup] ${message}`)

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  return result.status === 0
}

function checkNode() {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`[setup] Mechanica needs Node 20.19 or newer (this is ${process.versions.node}).`)
    process.exit(1)
  }
}

function dependenciesStamp() {
  // The native modules are built for one Node ABI: a Node upgrade needs a fresh install too.
  const lock = readFileSync(join(root, 'package-lock.json'))
  return createHash('sha256').update(lock).update(process.versions.modules).digest('hex')
}

function ensureDependencies() {
  const stampFile = join(root, 'node_modules', '.mechanica-install-stamp')
  const stamp = dependenciesStamp()
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return
  say('installing dependencies (npm ci)…')
  const started = Date.now()
  const env = { ...process.env }
  // onnxruntime-node bundles its CPU binaries; its install script would download CUDA ones.
  if (!env.ONNXRUNTIME_NODE_INSTALL && !env.ONNXRUNTIME_NODE_INSTALL_CUDA) env.ONNXRUNTIME_NODE_INSTALL = 'skip'
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  if (!run(npm, ['ci', '--no-audit', '--no-fund'], { env, shell: process.platform === 'win32' })) {
    console.error('[setup] npm ci failed; see the output above.')
    process.exit(1)
  }
  writeFileSync(stampFile, stamp)
  say(`dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

function ensureElectron() {
  if (electronBinaryPath()) return
  const electronDir = join(root, 'node_modules', 'electron')
  if (!existsSync(electronDir)) return
  const version = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')).version
  const marker = join(root, 'node_modules', '.mechanica-electron-unavailable')
  if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
    say('ELECTRON_SKIP_BINARY_DOWNLOAD is set: not fetching Electron; the workstation runs in its browser host.')
    return
  }
  if (existsSync(marker) && readFileSync(marker, 'utf8') === version) return
  say(`fetching the Electron ${version} binary…`)
  const ok = run(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 })
  if (ok && electronBinaryPath()) {
    say('Electron is installed.')
    return
  }
  writeFileSync(marker, version)
  say(
    'the Electron binary could not be downloaded (offline?). Installation is complete without it: ' +
      'Mechanica runs in its browser host. To retry later: npx install-electron, or delete ' +
      'node_modules/.mechanica-electron-unavailable.'
  )
}

/** Installs a Debian package the tests need, when root on a system with apt; else says how to point at one. */
function aptInstall(pkg, why, otherwise) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  if (process.platform !== 'linux' || !isRoot || !existsSync('/usr/bin/apt-get')) {
    say(otherwise)
    return
  }
  say(`installing ${why} (apt-get)…`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (!run('apt-get', ['update', '-qq'], { env }) || !run('apt-get', ['install', '-y', '-qq', pkg], { env })) {
    console.error(`[setup] apt-get could not install ${pkg}.`)
    process.exit(1)
  }
}

function ensureChromium() {
  if (chromiumPath()) return
  aptInstall('chromium', 'Chromium for the end-to-end tests', 'Chromium was not found and cannot be installed automatically here; set MECHANICA_BROWSER to a Chromium binary.')
}

// The queue tests start a real Redis on a random loopback port (src/main/queue/redis-test-server.ts).
function ensureRedis() {
  const server = process.env.MECHANICA_REDIS_SERVER ?? '/usr/bin/redis-server'
  if (existsSync(server)) return
  aptInstall('redis-server', 'redis-server for the queue tests', `redis-server was not found at ${server} and cannot be installed automatically here; set MECHANICA_REDIS_SERVER to a redis-server binary.`)
}

checkNode()
ensureDependencies()
ensureElectron()
if (forTests) ensureChromium()
if (forTests) ensureRedis()
