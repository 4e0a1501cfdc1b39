// A supervised service's lifecycle: crash and restart with backoff, calls while restarting,
// stop(), a deferred start, and workers that crash or never say ready.
import { describe, expect, it } from 'vitest'
import type { ServiceStatus } from '../../shared/contract'
import { runRandomWalk } from '../engine/tasks/random-walk'
import type { ProcessLauncher } from './process-port'
import type { BackoffPolicy } from './service-host'
import { backoff, crashingWorker, engineFile, isAlive, launchedFiles, longWalk, makeService, rejectionOf, silentWorker, smallWalk, trackingLauncher, useServiceCleanup, walkOf, watchStatus } from './service-host.test-support'

useServiceCleanup()

describe('SupervisedService with the built engine worker', () => {
  it('a crashed engine fails its pending call with the crash reason and restarts with a new pid', async () => {
    const service = makeService(engineFile)
    await service.start()
    const watch = watchStatus(service)
    const firstPid = service.status().pid
    if (firstPid === null) throw new Error('no pid')

    let killed = false
    const call = service.call('engine.run', { spec: longWalk }, {
      on: {
        progress: () => {
          if (!killed) {
            killed = true
            process.kill(firstPid, 'SIGKILL')
          }
        }
      }
    })
    const error = await rejectionOf(call, 'service_crashed')
    expect(error.message).toBe('The engine service stopped (killed by SIGKILL) while engine.run was running; it is restarting.')
    expect(error.message).toContain('killed by SIGKILL')
    expect(error.message).toContain('engine.run')

    // By the time the call fails, the service has already said it is restarting.
    expect(watch.seen[0]).toEqual({
      name: 'engine',
      state: 'restarting',
      pid: null,
      restarts: 1,
      lastExit: 'killed by SIGKILL',
      restartInMs: 20
    })

    const ready = await watch.next((s) => s.state === 'ready')
    expect(watch.seen.map((s) => s.state)).toEqual(['restarting', 'starting', 'ready'])
    expect(ready.pid).not.toBeNull()
    expect(ready.pid).not.toBe(firstPid)
    expect(ready).toMatchObject({ restarts: 1, lastExit: 'killed by SIGKILL', restartInMs: null })
    expect(isAlive(firstPid)).toBe(false)

    const output = await service.call('engine.run', { spec: smallWalk })
    expect(output.resultsHash).toBe((await runRandomWalk(smallWalk)).resultsHash)
  })

  it('a call made while restarting fails at once with service_unavailable and says why', async () => {
    const service = makeService(engineFile)
    await service.start()
    const watch = watchStatus(service)
    const pid = service.status().pid
    if (pid === null) throw new Error('no pid')

    const restarting = watch.next((s) => s.state === 'restarting')
    process.kill(pid, 'SIGKILL')
    await restarting

    const error = await rejectionOf(service.call('engine.run', { spec: smallWalk }), 'service_unavailable')
    expect(error.message).toBe('The engine service is restarting after it stopped (killed by SIGKILL); try again in a moment.')
    // It failed without waiting for the restart.
    expect(service.status().state).toBe('restarting')

    await watch.next((s) => s.state === 'ready')
    const output = walkOf(await service.call('engine.run', { spec: { ...smallWalk, steps: 1000 } }))
    expect(output.results.summary.steps).toBe(1000)
  })

  it('a crash soon after a restart doubles the delay, and a stable period resets it', async () => {
    const policy: BackoffPolicy = { ...backoff, stableMs: 150 }
    const service = makeService(engineFile, policy)
    await service.start()
    const watch = watchStatus(service)
    const crashOnce = async (): Promise<ServiceStatus> => {
      const pid = service.status().pid
      if (pid === null) throw new Error('no pid')
      const restarting = watch.next((s) => s.state === 'restarting')
      const ready = watch.next((s) => s.state === 'ready')
      process.kill(pid, 'SIGKILL')
      const status = await restarting
      await ready
      return status
    }

    expect((await crashOnce()).restartInMs).toBe(20)
    // Killed again well within stableMs of being ready: the second crash in a row.
    expect((await crashOnce()).restartInMs).toBe(40)
    await new Promise((resolve) => setTimeout(resolve, 300))
    // Up longer than stableMs: the count starts again.
    const third = await crashOnce()
    expect(third).toMatchObject({ restartInMs: 20, restarts: 3 })
  })

  it('stop() kills the process, fails pending calls with service_unavailable and leaves state stopped', async () => {
    const service = makeService(engineFile)
    await service.start()
    const pid = service.status().pid
    if (pid === null) throw new Error('no pid')

    let running!: () => void
    const firstProgress = new Promise<void>((resolve) => (running = resolve))
    const call = service.call('engine.run', { spec: longWalk }, { on: { progress: () => running() } })
    await firstProgress

    const failed = rejectionOf(call, 'service_unavailable')
    await service.stop()
    const error = await failed
    expect(error.message).toBe('The engine service was stopped.')
    expect(service.status()).toEqual({ name: 'engine', state: 'stopped', pid: null, restarts: 0, lastExit: null, restartInMs: null })
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' })) // no such process

    const later = await rejectionOf(service.call('engine.run', { spec: smallWalk }), 'service_unavailable')
    expect(later.message).toBe('The engine service is not running.')
  })

  it('a service whose start was deferred starts on its first call (the inference service waits for the engine)', async () => {
    const service = makeService(engineFile)
    expect(service.status().state).toBe('stopped')
    const labs = await service.call('engine.labs', {})
    expect(labs.labs.length).toBeGreaterThan(0)
    expect(service.status().state).toBe('ready')
    await service.stop()
  })

  it('a deferred service that cannot start fails its first call with why, and the next call the same way', async () => {
    const policy: BackoffPolicy = { initialMs: 10, maxMs: 20, maxRestarts: 2, stableMs: 5000, readyTimeoutMs: 5000 }
    const service = makeService(crashingWorker, policy)
    const first = await rejectionOf(service.call('engine.labs', {}), 'service_unavailable')
    expect(first.message).toBe('The engine service crashed 3 times in a row (exited with code 3) and was not restarted; restart Mechanica.')
    expect(launchedFiles).toEqual(Array(3).fill(crashingWorker))
    const later = await rejectionOf(service.call('engine.labs', {}), 'service_unavailable')
    expect(later.message).toBe(first.message)
    expect(launchedFiles).toHaveLength(3)
  })
})

describe('SupervisedService with misbehaving workers', () => {
  it('restarts a worker that keeps crashing with growing, capped delays and then gives up as failed', async () => {
    const policy: BackoffPolicy = { initialMs: 20, maxMs: 50, maxRestarts: 4, stableMs: 5000, readyTimeoutMs: 20_000 }
    const service = makeService(crashingWorker, policy)
    const watch = watchStatus(service)

    const error = await rejectionOf(service.start(), 'service_unavailable')

    const delays = watch.seen.filter((s) => s.state === 'restarting').map((s) => s.restartInMs)
    // Doubling from initialMs, capped at maxMs: 20, 40, min(80, 50), min(160, 50).
    expect(delays).toEqual([20, 40, 50, 50])
    // Restarted maxRestarts times; the crash after that (the 5th in a row) gives up.
    expect(launchedFiles).toEqual(Array(5).fill(crashingWorker))
    expect(service.status()).toEqual({
      name: 'engine',
      state: 'failed',
      pid: null,
      restarts: 4,
      lastExit: 'exited with code 3',
      restartInMs: null
    })
    expect(error.message).toBe('The engine service crashed 5 times in a row (exited with code 3) and was not restarted; restart Mechanica.')

    const later = await rejectionOf(service.call('engine.run', { spec: smallWalk }), 'service_unavailable')
    expect(later.message).toBe(error.message)
  })

  it('kills a worker that never says ready after readyTimeoutMs and reports it did not become ready', async () => {
    const policy: BackoffPolicy = { ...backoff, readyTimeoutMs: 300 }
    const service = makeService(silentWorker, policy)
    const watch = watchStatus(service)
    const startedAt = performance.now()
    const started = service.start()
    started.catch(() => undefined)
    const pid = service.status().pid
    expect(service.status().state).toBe('starting')
    if (pid === null) throw new Error('no pid')

    const restarting = await watch.next((s) => s.state === 'restarting')
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(290)
    expect(restarting).toEqual({
      name: 'engine',
      state: 'restarting',
      pid: null,
      restarts: 1,
      lastExit: 'did not report ready within 300 ms',
      restartInMs: 20
    })
    expect(isAlive(pid)).toBe(false)

    await service.stop()
    const error = await rejectionOf(started, 'service_unavailable')
    expect(error.message).toBe('The engine service was stopped.')
  })

  // Regression: the ready-timeout reason once stuck to the next process's crash.
  // The timeout must outlast a crashing worker's start-up on a loaded machine, or the second
  // launch times out too instead of crashing.
  it('reports the real exit reason of a worker that crashes while starting after an earlier ready timeout', async () => {
    const policy: BackoffPolicy = { ...backoff, readyTimeoutMs: 3000 }
    let launches = 0
    const launcher: ProcessLauncher = (_entry, name) => trackingLauncher(launches++ === 0 ? silentWorker : crashingWorker, name)
    const service = makeService(silentWorker, policy, launcher)
    const watch = watchStatus(service)
    service.start().catch(() => undefined)

    const first = await watch.next((s) => s.state === 'restarting')
    expect(first.lastExit).toBe('did not report ready within 3000 ms')
    const second = await watch.next((s) => s.state === 'restarting' && s.restarts === 2)
    expect(launchedFiles).toEqual([silentWorker, crashingWorker])
    expect(second.lastExit).toBe('exited with code 3')
  })
})
