#!/usr/bin/env node
// `npm start`: build, then open the workstation in Electron when its binary is installed and a
// display exists; otherwise serve it through the browser host and print its address.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { electronBinaryPath, root } from './environment.mjs'

const args = process.argv.slice(2)

const build = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit']
})
if (build.status !== 0) {
  console.error('mechanica: the build failed; see above.')
  process.exit(1)
}

const electron = electronBinaryPath()
const hasDisplay = process.platform !== 'linux' || !!process.env.DISPLAY || !!process.env.WAYLAND_DISPLAY
const forceBrowser = args.includes('--browser')
let child
if (electron && hasDisplay && !forceBrowser) {
  child = spawn(electron, [root, ...args], { stdio: 'inherit' })
} else {
  if (!forceBrowser) {
    console.log(
      electron
        ? 'mechanica: no display found; starting the browser host instead of Electron.'
        : 'mechanica: the Electron binary is not installed; starting the browser host.'
    )
  }
  child = spawn(process.execPath, [join(root, 'out/main/browser-host.js'), ...args.filter((a) => a !== '--browser')], { stdio: 'inherit' })
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
