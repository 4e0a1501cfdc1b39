#!/usr/bin/env node
// `npm run --silent cli -- …`: make sure dependencies and the build are current (quietly, on
// stderr), then run the CLI so that stdout carries only its output.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { root } from './environment.mjs'

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const toStderr = { stdio: ['ignore', 2, 2], cwd: root }
const boot = spawnSync(process.execPath, [join(root, 'tools/bootstrap.mjs')], toStderr)
if (boot.status !== 0) process.exit(boot.status ?? 1)

const cli = join(root, 'out/main/cli.js')
const stale = !existsSync(cli) || newestMtime(join(root, 'src')) > statSync(cli).mtimeMs
if (stale) {
  const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], toStderr)
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const run = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', cwd: process.cwd() })
process.exit(run.status ?? 1)
