import { describe, expect, it } from 'vitest'
import { withEarlyLaunch } from './early-launch'
import type { ExitInfo, ProcessLauncher, ProcessPort } from './process-port'
import type { FromWorker } from './worker-protocol'

/** A launcher of fake processes that the test makes speak and exit. */
function fakeLauncher() {
  const launched: Array<{ file: string; name: string; say(message: FromWorker): void; exit(info: ExitInfo): void; port: ProcessPort }> = []
  const launch: ProcessLauncher = (file, name) => {
    const onMessage: Array<(m: FromWorker) => void> = []
    const onExit: Array<(i: ExitInfo) => void> = []
    const port: ProcessPort = {
      pid: 100 + launched.length,
      send: () => undefined,
      onMessage: (l) => void onMessage.push(l),
      onExit: (l) => void onExit.push(l),
      kill: () => undefined
    }
    launched.push({ file, name, port, say: (m) => onMessage.forEach((l) => l(m)), exit: (i) => onExit.forEach((l) => l(i)) })
    return port
  }
  return { launch, launched }
}

const READY = { type: 'ready' } as FromWorker

describe('withEarlyLaunch', () => {
  it('spawns at once, hands that process to the first matching launch, and a fresh one to every later launch', () => {
    const fake = fakeLauncher()
    const launcher = withEarlyLaunch(fake.launch, '/w/engine.js', 'engine')
    expect(fake.launched.map((l) => l.name)).toEqual(['engine'])
    const inference = launcher('/w/inference.js', 'inference')
    expect(inference.pid).toBe(101)
    const first = launcher('/w/engine.js', 'engine')
    expect(first.pid).toBe(100)
    const restart = launcher('/w/engine.js', 'engine')
    expect(restart.pid).toBe(102)
    expect(fake.launched).toHaveLength(3)
  })

  it('replays what the process said before anyone listened, in order, then passes messages through', () => {
    const fake = fakeLauncher()
    const launcher = withEarlyLaunch(fake.launch, '/w/engine.js', 'engine')
    const early = fake.launched[0]!
    const progress = { type: 'event', id: 1, event: 'progress', payload: 1 } as unknown as FromWorker
    early.say(READY)
    early.say(progress)
    const port = launcher('/w/engine.js', 'engine')
    const heard: FromWorker[] = []
    port.onMessage((m) => heard.push(m))
    expect(heard).toEqual([READY, progress])
    early.say(READY)
    expect(heard).toEqual([READY, progress, READY])
  })

  it('tells a late listener that the process already exited', () => {
    const fake = fakeLauncher()
    const launcher = withEarlyLaunch(fake.launch, '/w/engine.js', 'engine')
    fake.launched[0]!.exit({ code: 1, signal: null, reason: 'exited with code 1' })
    const exits: ExitInfo[] = []
    launcher('/w/engine.js', 'engine').onExit((i) => exits.push(i))
    expect(exits).toEqual([{ code: 1, signal: null, reason: 'exited with code 1' }])
  })
})
