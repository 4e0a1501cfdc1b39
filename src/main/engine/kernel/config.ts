import { issuesFromZod } from '../../../shared/contract'
import type { Lab } from './lab'
import { deepMerge, setPath } from './presets'

/** A config that does not validate: one line per problem, each naming its key path. */
export class LabConfigError extends Error {
  constructor(
    readonly lab: string,
    readonly problems: Array<{ path: string; message: string }>
  ) {
    super(`${lab}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`)
    this.name = 'LabConfigError'
  }
}

/** User overrides as one nested object: a key may be a dotted path (`risk_params.max_dd_stop`, as from --set) or a nested object. */
export function foldOverrides(overrides: Record<string, unknown>): Record<string, unknown> {
  let user: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(overrides)) user = key.includes('.') ? setPath(user, key, value) : deepMerge(user, { [key]: value })
  return user
}

/**
 * A lab's full config: defaults ← preset overrides ← user overrides (deep-merged), then the
 * lab's zod schema. The defaults are the schema's, or what the lab derives from the user's
 * overrides (a seed profile picked by a config key). Throws LabConfigError naming each bad key.
 */
export function resolveLabConfig<C>(lab: Pick<Lab<C, unknown, unknown, string>, 'id' | 'config'>, preset: 'faithful' | 'corrected', overrides: Record<string, unknown> = {}): C {
  const definition = Object.hasOwn(lab.config.presets, preset) ? lab.config.presets[preset] : undefined
  if (definition === undefined) throw new LabConfigError(lab.id, [{ path: 'preset', message: `must be "faithful" or "corrected" (got ${JSON.stringify(preset)})` }])
  const user = foldOverrides(overrides)
  const defaults = lab.config.defaults ? lab.config.defaults(user) : (lab.config.schema.parse({}) as Record<string, unknown>)
  const merged = deepMerge(deepMerge(defaults, definition.overrides), user)
  const parsed = lab.config.schema.safeParse(merged)
  if (!parsed.success) throw new LabConfigError(lab.id, issuesFromZod(parsed.error, merged, 'config'))
  return parsed.data
}
