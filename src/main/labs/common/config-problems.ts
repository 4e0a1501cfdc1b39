import { LabConfigError } from '../../engine/kernel'

/** For tests: the problems a config resolution reports, or a failure if it was accepted. */
export function configProblems(resolve: () => unknown): Array<{ path: string; message: string }> {
  try {
    resolve()
  } catch (error) {
    if (error instanceof LabConfigError) return error.problems
    throw error
  }
  throw new Error('expected the config to be refused')
}
