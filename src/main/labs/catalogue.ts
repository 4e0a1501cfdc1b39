import type { LabInfo } from '../../shared/contract'
import { resolveLabConfig } from '../engine/kernel'
import { formFromSchema } from './form-schema'
import { labRegistry } from './registry'

/** The explorer's view of every registered lab, from each lab's own definition and faithful defaults. */
export function labCatalogue(): LabInfo[] {
  return [...labRegistry.values()].map((lab) => {
    const defaults = resolveLabConfig(lab, 'faithful', {}) as Record<string, unknown>
    const profiles = lab.config.profiles ?? {}
    const preset = (name: 'faithful' | 'corrected') => ({
      description: lab.config.presets[name].description,
      corrections: lab.config.presets[name].corrections.map((c) => ({ id: c.id, title: c.title, why: c.why }))
    })
    return {
      id: lab.id,
      title: lab.title,
      chapter: lab.origin.kind === 'book' ? lab.origin.chapter : 0,
      description: lab.description,
      actions: [...lab.actions],
      regimes: [...lab.regimes(defaults)],
      legs: [...lab.legs],
      defaultSeed: lab.seed(defaults),
      steps: lab.steps(defaults),
      presets: { faithful: preset('faithful'), corrected: preset('corrected') },
      profiles: Object.entries(profiles).map(([id, p]) => ({ id, description: p.description })),
      defaults,
      form: formFromSchema(lab.config.schema),
      presetConfigs: {
        faithful: defaults,
        corrected: resolveLabConfig(lab, 'corrected', {}) as Record<string, unknown>,
        ...Object.fromEntries(Object.entries(profiles).map(([id, p]) => [id, resolveLabConfig(lab, 'faithful', p.overrides) as Record<string, unknown>]))
      }
    }
  })
}
