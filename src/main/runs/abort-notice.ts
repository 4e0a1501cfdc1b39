import type { RunSpec } from '../../shared/contract'

// What a run that stopped early says about itself: why, how much of its decision log is kept,
// and how to run it again. The same words for an engine that died and a Mechanica that did.

/** A shell word as typed: bare when it is safe, single-quoted otherwise. */
function shellWord(text: string): string {
  return /^[\w.,:=@%+/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

/** The CLI command that runs a lab spec again (`--set` values as the CLI parses them back). */
export function cliRunCommand(spec: RunSpec): string | null {
  if (spec.task !== 'lab') return null
  const words = ['npm', 'run', 'cli', '--', 'run', spec.lab, '--preset', spec.preset]
  if (spec.seed !== undefined) words.push('--seed', String(spec.seed))
  for (const [path, value] of Object.entries(spec.overrides)) {
    words.push('--set', shellWord(`${path}=${typeof value === 'string' ? value : JSON.stringify(value)}`))
  }
  return words.join(' ')
}

/** "the log holds steps 0…N−1 (partial)", or why nothing is kept. */
function logNote(spec: RunSpec, loggedSteps: number): string {
  if (spec.task !== 'lab') return 'a random walk keeps no decision log'
  if (loggedSteps <= 0) return 'no batch of its decision log had been committed, so nothing of it is kept'
  return `the log holds steps 0…${loggedSteps - 1} (partial)`
}

function rerunHint(spec: RunSpec): string {
  const command = cliRunCommand(spec)
  return command ? `Re-run it from the Runs view or \`${command}\`.` : 'Re-run it from the Runs view.'
}

/**
 * The error of a run whose engine process died under it: "Aborted: the engine process stopped
 * (killed by SIGKILL) after step 8192; the log holds steps 0…8191 (partial). Re-run it …".
 */
export function engineAbortedError(spec: RunSpec, reason: string, loggedSteps: number, stepsDone: number): string {
  const at = spec.task === 'lab' ? loggedSteps : stepsDone
  const when = at > 0 ? `after step ${at}` : 'before its first logged step'
  return `Aborted: the engine process stopped (${reason}) ${when}; ${logNote(spec, loggedSteps)}. ${rerunHint(spec)}`
}

/** The error of a run found `running` at start-up: the session that ran it stopped. */
export function sessionAbortedError(spec: RunSpec, loggedSteps: number): string {
  if (loggedSteps <= 0) return 'Mechanica stopped while this run was in progress.'
  return `Aborted: Mechanica stopped while this run was in progress, after step ${loggedSteps}; ${logNote(spec, loggedSteps)}. ${rerunHint(spec)}`
}

/** The error of a run that was active when Mechanica was closed. */
export function closedError(spec: RunSpec, loggedSteps: number): string {
  const base = 'Mechanica was closed while this run was in progress.'
  return loggedSteps > 0 && spec.task === 'lab' ? `${base} The log holds steps 0…${loggedSteps - 1} (partial). ${rerunHint(spec)}` : base
}
