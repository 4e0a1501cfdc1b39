// The engine launched before the workstation's modules load (early-launch.ts): its supervisor
// takes the running process over on its first launch, hearing what it said before in order.
import { describe, expect, it } from 'vitest'
import { withEarlyLaunch } from './early-launch'
import type { ExitInfo, ProcessLauncher, ProcessPort } from './process-port'
import { crashingWorker, engineFile, launchedFiles, makeService, rejectionOf, smallWalk, trackingLauncher, useServiceCleanup, walkOf } from './service-host.test-support'
import type { FromWorker } from './worker-protocol'

/** A process that the test speaks for: `say` and `exit` happen when the test says. */
interface FakeProcess extends ProcessPort {
  file: string
  say(message: FromWorker): void
  exit(info: ExitInfo): void
}

function fakeLauncher(): { launcher: ProcessLauncher; launched: FakeProcess[] } {
  const launched: FakeProcess[] = []
  const launcher: ProcessLauncher = (file) => {
    const messageListeners: Array<(m: FromWorker) => void> = []
    const exitListeners: Array<(info: ExitInfo) => void> = []
    const fake: FakeProcess = {
      file,
      pid: 1000 + launched.length,
      send: () => undefined,
      kill: () => undefined,
      onMessage: (listener) => void messageListeners.push(listener),
      onExit: (listener) => void exitListeners.push(listener),
      say: (message) => messageListeners.forEach((l) => l(message)),
      exit: (info) => exitListeners.forEach((l) => l(info))
    }
    launched.push(fake)
    return fake
  }
  return { launcher, launched }
}

const READY: FromWorker = { type: 'ready' }
const EVENT: FromWorker = { type: 'event', id: 1, name: 'progress', payload: 0.5 }
const CRASH: ExitInfo = { code: 1, signal: null, reason: 'exited with code 1' }

describe('withEarlyLaunch', () => {
  it('launches the named service at once and hands that process to its first launch only', () => {
    const { launcher, launched } = fakeLauncher()
    const early = withEarlyLaunch(launcher, '/w/engine.js', 'engine')
    expect(launched.map((p) => p.file)).toEqual(['/w/engine.js'])
    const first = early('/w/engine.js', 'engine')
    expect(first.pid).toBe(launched[0]!.pid)
    expect(launched).toHaveLength(1)
    // A restart, and any other service, launch as usual.
    expect(early('/w/engine.js', 'engine').pid).toBe(launched[1]!.pid)
    expect(early('/w/inference.js', 'inference').pid).toBe(launched[2]!.pid)
    expect(launched.map((p) => p.file)).toEqual(['/w/engine.js', '/w/engine.js', '/w/inference.js'])
  })

  it('holds what the process said before anyone listened, and hands it over after the listener is wired, in order', async () => {
    const { launcher, launched } = fakeLauncher()
    const port = withEarlyLaunch(launcher, '/w/engine.js', 'engine')('/w/engine.js', 'engine')
    launched[0]!.say(READY)
    launched[0]!.say(EVENT)
    const heard: FromWorker[] = []
    port.onMessage((m) => heard.push(m))
    // Not during onMessage: the supervisor sets its ready timer after wiring its listeners.
    expect(heard).toEqual([])
    await Promise.resolve()
    expect(heard).toEqual([READY, EVENT])
    launched[0]!.say({ type: 'result', id: 3, ok: true, value: 1 })
    expect(heard.map((m) => m.type)).toEqual(['ready', 'event', 'result'])
  })

  it('keeps an exit that came before anyone listened, and reports it after the messages before it', async () => {
    const { launcher, launched } = fakeLauncher()
    const port = withEarlyLaunch(launcher, '/w/engine.js', 'engine')('/w/engine.js', 'engine')
    launched[0]!.say(READY)
    launched[0]!.exit(CRASH)
    const order: string[] = []
    port.onMessage((m) => order.push(m.type))
    port.onExit((info) => order.push(info.reason))
    await Promise.resolve()
    expect(order).toEqual(['ready', 'exited with code 1'])
  })

  it('passes an exit after the listeners are wired straight through', async () => {
    const { launcher, launched } = fakeLauncher()
    const port = withEarlyLaunch(launcher, '/w/engine.js', 'engine')('/w/engine.js', 'engine')
    const exits: ExitInfo[] = []
    port.onMessage(() => undefined)
    port.onExit((info) => exits.push(info))
    await Promise.resolve()
    launched[0]!.exit(CRASH)
    expect(exits).toEqual([CRASH])
  })
})

describe('withEarlyLaunch under a supervisor, with real processes', () => {
  useServiceCleanup()

  it('the supervisor takes over an engine that said ready before it looked, and runs calls on it', async () => {
    const early = withEarlyLaunch(trackingLauncher, engineFile, 'engine')
    // Long enough for the process to have said ready before the supervisor exists.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const service = makeService(engineFile, undefined, early)
    await service.start()
    expect(service.status()).toMatchObject({ state: 'ready', restarts: 0 })
    // No second process: the supervisor's first launch was the early one.
    expect(launchedFiles).toEqual([engineFile])
    const { results } = walkOf(await service.call('engine.run', { spec: smallWalk }))
    expect(results.path.length).toBe(4082) // floor(200000 / 49) + 1, as service-host.calls.test.ts
    expect(results.path[0]).toBe(smallWalk.start)
  })

  it('a process that crashed before the supervisor looked is reported, and restarted as usual', async () => {
    const early = withEarlyLaunch(trackingLauncher, crashingWorker, 'engine')
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const service = makeService(crashingWorker, { initialMs: 20, maxMs: 40, maxRestarts: 1, stableMs: 5000, readyTimeoutMs: 5000 }, early)
    const error = await rejectionOf(service.start(), 'service_unavailable')
    expect(error.message).toContain('exited with code 3')
    // The early process, then one restart by the supervisor itself.
    expect(launchedFiles).toEqual([crashingWorker, crashingWorker])
    expect(service.status()).toMatchObject({ state: 'failed', restarts: 1, lastExit: 'exited with code 3' })
  })
})
