import type { LabInfo } from '../../shared/contract'
import { formFromSchema } from './form-schema'
import { labRegistry } from './registry'

/** The explorer's view of every registered lab, from each lab's own definition and faithful defaults. */
export function labCatalogue(): LabInfo[] {
  return [...labRegistry.values()].map((module) => {
    const lab = module.definition
    const defaults = module.resolveConfig('faithful', {}) as Record<string, unknown>
    const preset = (name: 'faithful' | 'corrected') => ({
      description: lab.presets[name].description,
      corrections: lab.presets[name].corrections.map((c) => ({ id: c.id, title: c.title, why: c.why }))
    })
    return {
      id: lab.id,
      title: lab.title,
      chapter: lab.chapter,
      description: lab.description,
      actions: [...lab.actions],
      regimes: [...lab.regimeNames(defaults)],
      legs: [...lab.legs],
      defaultSeed: lab.seedOf(defaults),
      steps: lab.steps(defaults),
      presets: { faithful: preset('faithful'), corrected: preset('corrected') },
      profiles: Object.entries(module.profiles ?? {}).map(([id, p]) => ({ id, description: p.description })),
      defaults,
      form: formFromSchema(lab.configSchema),
      presetConfigs: {
        faithful: defaults,
        corrected: module.resolveConfig('corrected', {}) as Record<string, unknown>,
        ...Object.fromEntries(Object.entries(module.profiles ?? {}).map(([id, p]) => [id, module.resolveConfig('faithful', p.overrides) as Record<string, unknown>]))
      }
    }
  })
}
