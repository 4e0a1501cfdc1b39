import type { FromWorker, ToWorker } from './worker-protocol'

/** Why a service process ended, in words a person can act on. */
export interface ExitInfo {
  code: number | null
  signal: string | null
  reason: string
}

/** One running service process, whatever launched it (Node fork or Electron utilityProcess). */
export interface ProcessPort {
  readonly pid: number | null
  send(message: ToWorker): void
  onMessage(listener: (message: FromWorker) => void): void
  onExit(listener: (info: ExitInfo) => void): void
  kill(): void
}

export type ProcessLauncher = (entryFile: string, serviceName: string) => ProcessPort

export function describeExit(code: number | null, signal: string | null): string {
  if (signal) return `killed by ${signal}`
  if (code === 0) return 'exited normally'
  return `exited with code ${code ?? 'unknown'}`
}
