// Shared by the SupervisedService tests (service-host.*.test.ts): real service processes from the
// BUILT worker files (out/main/workers) or the misbehaving workers in __fixtures__, every one
// tracked so that useServiceCleanup() can prove none is left behind.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, expect } from 'vitest'
import { ApiError, type ErrorCode, type RandomWalkSpec, type ServiceStatus, type TaskOutput, type WalkResults } from '../../shared/contract'
import { engineMethods, type EngineMethods, type ServiceTable } from '../../shared/contract/protocol'
import { launchNodeProcess } from './node-launcher'
import type { ProcessLauncher } from './process-port'
import { SupervisedService, type BackoffPolicy } from './service-host'

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..')
export const engineFile = join(root, 'out/main/workers/engine.js')
export const inferenceFile = join(root, 'out/main/workers/inference.js')
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__')
export const crashingWorker = join(fixtures, 'crashing-worker.cjs')
export const silentWorker = join(fixtures, 'silent-worker.cjs')
export const malformedWorker = join(fixtures, 'malformed-worker.cjs')

export const backoff: BackoffPolicy = { initialMs: 20, maxMs: 100, maxRestarts: 3, stableMs: 5000, readyTimeoutMs: 20_000 }

/** What engine.run hands back for a random walk. */
type WalkOutput = TaskOutput & { results: WalkResults }

/** engine.run's answer for a random walk, narrowed to one. */
export function walkOf(output: TaskOutput): WalkOutput {
  const { results, resultsHash } = output
  if (results.kind !== 'random-walk') throw new Error(`expected a random walk's results, got ${results.kind}`)
  return { results, resultsHash }
}

export const smallWalk: RandomWalkSpec = { task: 'random-walk', steps: 200_000, seed: 7, start: 100, drift: 0, volatility: 0.01 }
export const longWalk: RandomWalkSpec = { ...smallWalk, steps: 10_000_000 }

// Every process any test launched, so that the cleanup can prove none is left behind.
const launchedPids: number[] = []
/** The entry file of every launch in this test, in order. */
export const launchedFiles: string[] = []
const services: Array<SupervisedService<ServiceTable>> = []

export const trackingLauncher: ProcessLauncher = (entryFile, serviceName) => {
  const port = launchNodeProcess(entryFile, serviceName)
  if (port.pid !== null) launchedPids.push(port.pid)
  launchedFiles.push(entryFile)
  return port
}

export function makeService(entryFile: string, policy: BackoffPolicy = backoff, launcher: ProcessLauncher = trackingLauncher): SupervisedService<EngineMethods> {
  const service = new SupervisedService('engine', engineMethods, entryFile, launcher, policy)
  services.push(service)
  return service
}

/** Stops `service` after the test, with the ones makeService made. */
export function track(service: SupervisedService<ServiceTable>): void {
  services.push(service)
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Records every status the service reports, and waits for one that matches. */
export function watchStatus(service: SupervisedService<ServiceTable>): {
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

export async function rejectionOf(promise: Promise<unknown>, code: ErrorCode): Promise<ApiError> {
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

/** Registers the afterEach that stops every service and fails the test if a process survives. */
export function useServiceCleanup(): void {
  afterEach(async () => {
    await Promise.all(services.map((s) => s.stop()))
    const alive = launchedPids.filter(isAlive)
    for (const pid of alive) process.kill(pid, 'SIGKILL')
    services.length = 0
    launchedPids.length = 0
    launchedFiles.length = 0
    expect(alive, 'service processes left running after stop()').toEqual([])
  })
}
