// What a call to a supervised service gets back: the built engine's results and their
// determinism, validation in the worker, cancelling, the built inference worker's status, and a
// worker that breaks its method table. Crashes, restarts and stops: service-host.lifecycle.test.ts.
import { describe, expect, it } from 'vitest'
import { inferenceMethods } from '../../shared/contract/protocol'
import { runRandomWalk } from '../engine/tasks/random-walk'
import { SupervisedService } from './service-host'
import { backoff, engineFile, inferenceFile, isAlive, longWalk, makeService, malformedWorker, rejectionOf, smallWalk, track, trackingLauncher, useServiceCleanup, walkOf } from './service-host.test-support'

useServiceCleanup()

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
    track(service)
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
