import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { ApiError, type ErrorCode, type RandomWalkSpec, type ServiceStatus, type TaskOutput, type WalkResults } from '../../shared/contract'
import { engineMethods, inferenceMethods, type EngineMethods, type ServiceTable } from '../../shared/contract/protocol'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { launchNodeProcess } from './node-launcher'
import type { ProcessLauncher } from './process-port'
import { SupervisedService, type BackoffPolicy } from './service-host'

// Integration tests: real service processes started from the BUILT worker files (out/main/workers).

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
const engineFile = join(root, 'out/main/workers/engine.js')
const inferenceFile = join(root, 'out/main/workers/inference.js')
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__')
const crashingWorker = join(fixtures, 'crashing-worker.cjs')
const silentWorker = join(fixtures, 'silent-worker.cjs')
const malformedWorker = join(fixtures, 'malformed-worker.cjs')

const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }

/** What engine.run hands back for a random walk. */
type WalkOutput = TaskOutput & { results: WalkResults }

/** engine.run's answer for a random walk, narrowed to one. */
function walkOf(output: TaskOutput): WalkOutput {
  const { results, resultsHash } = output
  if (results.kind !== 'random-walk') throw new Error(`expected a random walk's results, got ${results.kind}`)
  return { results, resultsHash }
}

const smallWalk: RandomWalkSpec = { task: 'random-walk', steps: 200_000, seed: 7, start: 100, drift: 0, volatility: 0.01 }
const longWalk: RandomWalkSpec = { ...smallWalk, steps: 10_000_000 }

// Every process any test launched, so that afterEach can prove none is left behind.
let launchedPids: number[] = []
let launchedFiles: string[] = []
let services: Array<SupervisedService<ServiceTable>> = []

const trackingLauncher: ProcessLauncher = (entryFile, serviceName) => {
  const port = launchNodeProcess(entryFile, serviceName)
  if (port.pid !== null) launchedPids.push(port.pid)
  launchedFiles.push(entryFile)
  return port
}

function makeService(entryFile: string, policy: BackoffPolicy = backoff, launcher: ProcessLauncher = trackingLauncher): SupervisedService<EngineMethods> {
  const service = new SupervisedService('engine', engineMethods, entryFile, launcher, policy)
  services.push(service)
  return service
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Records every status the service reports, and waits for one that matches. */
function watchStatus(service: SupervisedService<ServiceTable>): {
  seen: ServiceStatus[]
  next(match: (status: ServiceStatus) => boolean, timeoutMs?: number): Promise<ServiceStatus>
} {
  const seen: ServiceStatus[] = []
  const waiters: Array<{ match: (s: ServiceStatus) => boolean; resolve: (s: ServiceStatus) => void }> = []
  service.onStatus((status) => {
    seen.push(status)
    for (const waiter of [...waiters]) {
      if (waiter.match(status)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(status)
      }
    }
  })
  return {
    seen,
    next(match, timeoutMs = 10_000) {
      return new Promise<ServiceStatus>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching status within ${timeoutMs} ms; saw ${JSON.stringify(seen.map((s) => s.state))}`)),
          timeoutMs
        )
        waiters.push({
          match,
          resolve: (s) => {
            clearTimeout(timer)
            resolve(s)
          }
        })
      })
    }
  }
}

async function rejectionOf(promise: Promise<unknown>, code: ErrorCode): Promise<ApiError> {
  const error = await promise.then(
    (value) => {
      throw new Error(`expected a rejection with ${code}, got a value: ${JSON.stringify(value)}`)
    },
    (e: unknown) => e
  )
  expect(error).toBeInstanceOf(ApiError)
  expect((error as ApiError).code).toBe(code)
  return error as ApiError
}

afterEach(async () => {
  await Promise.all(services.map((s) => s.stop()))
  const alive = launchedPids.filter(isAlive)
  for (const pid of alive) process.kill(pid, 'SIGKILL')
  services = []
  launchedPids = []
  launchedFiles = []
  expect(alive, 'service processes left running after stop()').toEqual([])
})

describe('SupervisedService with the built engine worker', () => {
  it('starts ready with a pid and runs a random walk whose results match the in-process engine', async () => {
    const service = makeService(engineFile)
    await service.start()
    const status = service.status()
    expect(status).toMatchObject({ name: 'engine', state: 'ready', restarts: 0, lastExit: null, restartInMs: null })
    expect(status.pid).toBeTypeOf('number')
    expect(isAlive(status.pid ?? -1)).toBe(true)

    const progress: unknown[] = []
    const output = walkOf(await service.call('engine.run', { spec: smallWalk }, { on: { progress: (payload) => progress.push({ name: 'progress', payload }) } }))

    expect(output.resultsHash).toMatch(/^[0-9a-f]{64}$/)
    const { results } = output
    expect(results.kind).toBe('random-walk')
    // Typed arrays survive the process boundary (advanced serialization), not as plain objects.
    expect(results.path).toBeInstanceOf(Float64Array)
    expect(results.pathStride).toBe(49) // ceil(200000 / 4095)
    expect(results.path.length).toBe(4082) // floor(200000 / 49) + 1
    expect(results.path[0]).toBe(100)
    expect(results.summary.steps).toBe(200_000)
    // One progress event per 65,536-step chunk, the last at done = total.
    expect(progress).toEqual([
      { name: 'progress', payload: { done: 65_536, total: 200_000 } },
      { name: 'progress', payload: { done: 131_072, total: 200_000 } },
      { name: 'progress', payload: { done: 196_608, total: 200_000 } },
      { name: 'progress', payload: { done: 200_000, total: 200_000 } }
    ])

    const local = await runRandomWalk(smallWalk)
    expect(output.resultsHash).toBe(local.resultsHash)
    expect(results.summary).toEqual(local.results.summary)
    expect(Array.from(results.path)).toEqual(Array.from(local.results.path))
  })

  it('gives the same resultsHash for identical calls in one process and across processes, and a different one for another seed', async () => {
    const a = makeService(engineFile)
    const b = makeService(engineFile)
    await Promise.all([a.start(), b.start()])
    expect(a.status().pid).not.toBe(b.status().pid)

    const first = walkOf(await a.call('engine.run', { spec: smallWalk }))
    const again = walkOf(await a.call('engine.run', { spec: smallWalk }))
    const elsewhere = walkOf(await b.call('engine.run', { spec: smallWalk }))
    const otherSeed = walkOf(await b.call('engine.run', { spec: { ...smallWalk, seed: 8 } }))

    expect(again.resultsHash).toBe(first.resultsHash)
    expect(elsewhere.resultsHash).toBe(first.resultsHash)
    expect(Array.from(elsewhere.results.path)).toEqual(Array.from(first.results.path))
    expect(otherSeed.resultsHash).not.toBe(first.resultsHash)
  })

  it('a call made while the service is starting waits for ready and succeeds', async () => {
    const service = makeService(engineFile)
    const started = service.start()
    expect(service.status().state).toBe('starting')
    const output = walkOf(await service.call('engine.run', { spec: { ...smallWalk, steps: 1000 } }))
    await started
    expect(output.results.summary.steps).toBe(1000)
    expect(service.status().state).toBe('ready')
  })

  it('the worker refuses params its method table does not accept with invalid_params naming the field, before the task runs', async () => {
    const service = makeService(engineFile)
    await service.start()
    const pid = service.status().pid
    const events: unknown[] = []

    const invalid = await rejectionOf(service.call('engine.run', { spec: { ...smallWalk, steps: 0 } }, { on: { progress: (p) => events.push(p) } }), 'invalid_params')
    // Same path as the router reports it, after the method's name.
    expect(invalid.message).toBe('engine.run: spec.steps: must be at least 1 (got 0)')
    expect(invalid.issues).toEqual([{ path: 'spec.steps', message: 'must be at least 1 (got 0)' }])
    // The old call shape, a bare spec, is refused rather than guessed at.
    // @ts-expect-error engine.run takes { spec, inputs?, logBatches? }
    const bare = await rejectionOf(service.call('engine.run', smallWalk), 'invalid_params')
    expect(bare.issues).toContainEqual({ path: 'spec', message: 'Invalid input: expected object, received undefined (got nothing)' })
    expect(bare.message).toMatch(/^engine\.run: /)
    // Typed arrays are checked for what they are, not converted.
    const closes = await rejectionOf(service.call('engine.regimeSeries', { source: { kind: 'csv', name: 'x.csv', text: '' } }), 'invalid_params')
    expect(closes.issues?.[0]?.path).toBe('source.text')
    expect(events).toEqual([])

    // A method the table does not list is refused before anything is sent.
    // @ts-expect-error not an engine method
    const unknown = await rejectionOf(service.call('engine.nope', {}), 'unknown_method')
    expect(unknown.message).toBe('the engine service has no task "engine.nope"')

    expect(service.status()).toMatchObject({ state: 'ready', pid, restarts: 0 })
  })

  it('aborting the signal mid-run rejects with cancelled long before the run could finish, and the service keeps serving', async () => {
    const service = makeService(engineFile)
    await service.start()
    const pid = service.status().pid

    const controller = new AbortController()
    let abortedAt = 0
    let lastDone = 0
    const call = service.call('engine.run', { spec: longWalk }, {
      signal: controller.signal,
      on: {
        progress: ({ done }) => {
          lastDone = done
          if (abortedAt === 0) {
            abortedAt = performance.now()
            controller.abort()
          }
        }
      }
    })
    const error = await rejectionOf(call, 'cancelled')
    const latencyMs = performance.now() - abortedAt

    expect(error.message).toBe('engine.run was cancelled')
    expect(abortedAt).toBeGreaterThan(0)
    // A full 10M-step run takes ~0.5 s on an idle core; the cancel lands within a few chunks. The step
    // count is the real check; the wall-clock bound only says it did not hang, even on a loaded machine.
    expect(lastDone).toBeLessThan(longWalk.steps / 4)
    expect(latencyMs).toBeLessThan(5000)

    expect(service.status()).toMatchObject({ state: 'ready', pid, restarts: 0, lastExit: null })
    const after = walkOf(await service.call('engine.run', { spec: { ...smallWalk, steps: 1000 } }))
    expect(after.results.summary.steps).toBe(1000)
  })

  it('a signal already aborted fails the call with cancelled without sending it', async () => {
    const service = makeService(engineFile)
    await service.start()
    const controller = new AbortController()
    controller.abort()
    const error = await rejectionOf(service.call('engine.run', { spec: smallWalk }, { signal: controller.signal }), 'cancelled')
    expect(error.message).toBe('engine.run was cancelled')
  })

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

describe('SupervisedService against a worker that breaks its method table', () => {
  it('turns a malformed response into internal naming the method and the field, and keeps serving', async () => {
    const service = makeService(malformedWorker)
    await service.start()
    const pid = service.status().pid

    const plan = await rejectionOf(service.call('engine.plan', { spec: smallWalk }), 'internal')
    expect(plan.message).toBe('engine.plan returned a malformed response: seed: Invalid input: expected number, received string (got "seven")')
    expect(plan.issues).toBeUndefined()
    const menu = await rejectionOf(service.call('engine.stressMenu', { spec: { task: 'lab', lab: 'fx-carry' } }), 'internal')
    expect(menu.message).toMatch(/^engine\.stressMenu returned a malformed response: variants\.0\.overrides: /)

    expect(service.status()).toMatchObject({ state: 'ready', pid, restarts: 0 })
  })

  it('fails a call whose event is malformed or undeclared with internal naming the event, and cancels it in the worker', async () => {
    const service = makeService(malformedWorker)
    await service.start()
    const heard: unknown[] = []

    const run = await rejectionOf(service.call('engine.run', { spec: smallWalk }, { on: { progress: (p) => heard.push(p) } }), 'internal')
    expect(run.message).toBe('engine.run sent a malformed "progress" event: total: Invalid input: expected number, received undefined (got nothing)')
    expect(heard).toEqual([])
    const labs = await rejectionOf(service.call('engine.labs', {}), 'internal')
    expect(labs.message).toBe('engine.labs sent an event it does not declare: "gossip"')

    // The worker was told to stop both calls (ids 1 and 2 of this service).
    const { source } = await service.call('engine.regimeSeries', { source: { kind: 'csv', name: 'x.csv', text: '1' } })
    expect(source).toBe('cancelled 1,2')
  })
})

describe('the built inference worker', () => {
  it('inference.status names the first provider that answered, the runtime version and every provider tried', async () => {
    const service = new SupervisedService('inference', inferenceMethods, inferenceFile, trackingLauncher, backoff)
    services.push(service)
    await service.start()
    const status = await service.call('inference.status', {})

    expect(status.runtimeVersion).toMatch(/^1\.\d+\.\d+$/)
    expect(status.attempts.map((a) => a.provider)).toEqual(['cuda', 'webgpu', 'cpu'].slice(0, status.attempts.length))
    const firstOk = status.attempts.findIndex((a) => a.ok)
    // The chosen provider is the first that answered; it is the last one tried.
    expect(firstOk).toBe(status.attempts.length - 1)
    expect(status.provider).toBe(status.attempts[firstOk]?.provider)
    for (const attempt of status.attempts.slice(0, firstOk)) {
      expect(attempt.ok).toBe(false)
      expect(attempt.error).toMatch(/\S/)
    }
    for (const attempt of status.attempts) expect(status.summary).toContain(`${attempt.provider}: ${attempt.ok ? 'ok' : attempt.error}`)
    expect(status.summary.endsWith(`${status.provider}: ok`)).toBe(true)

    // Selection is done once per process: a second call reports the same thing.
    expect(await service.call('inference.status', {})).toEqual(status)
  })
})
