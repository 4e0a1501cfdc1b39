import { configValueAt, type FormField, type LabInfo } from '../../shared/contract'
import { formFromSchema } from './form-schema'
import type { LabModule } from './lab-module'
import { labRegistry } from './registry'

/** Every preset and profile of a lab, each with its full resolved config. */
function presetConfigsOf(module: LabModule): Record<string, Record<string, unknown>> {
  return {
    faithful: module.resolveConfig('faithful', {}) as Record<string, unknown>,
    corrected: module.resolveConfig('corrected', {}) as Record<string, unknown>,
    ...Object.fromEntries(Object.entries(module.profiles ?? {}).map(([id, p]) => [id, module.resolveConfig('faithful', p.overrides) as Record<string, unknown>]))
  }
}

/** The number at a config path the lab declared; a path that holds none is the lab's mistake, named here. */
function declaredNumber(lab: string, preset: string, config: Record<string, unknown>, path: string): number {
  const value = configValueAt(config, path)
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${lab}: declared config path ${path} holds no number in preset ${preset} (got ${JSON.stringify(value)})`)
  return value
}

/** The views' facts about a lab: its own declaration, with values and units read from its configs and schema. */
function selfDescriptionInfo(module: LabModule, fields: readonly FormField[], configs: Record<string, Record<string, unknown>>) {
  const lab = module.definition.id
  const declared = module.selfDescription
  const unitOf = (path: string): string | null => fields.find((f) => f.path === path)?.unit ?? null
  const capPath = declared.leverageCapPath
  return {
    leverageCap:
      capPath === null
        ? null
        : { path: capPath, unit: unitOf(capPath), byPreset: Object.fromEntries(Object.entries(configs).map(([preset, c]) => [preset, declaredNumber(lab, preset, c, capPath)])) },
    surface: { layout: declared.surface.layout, phaseSpace: declared.surface.phaseSpace },
    regimePriceSeries: declared.regimePriceSeries === null ? null : { name: declared.regimePriceSeries },
    regimeModelHome: declared.regimeModelHome ? { ...declared.regimeModelHome } : null,
    suggestedSweep: {
      axes: declared.suggestedSweep.axes.map((axis) => ({ path: axis.path, unit: unitOf(axis.path), values: [...axis.values] })) as LabInfo['suggestedSweep']['axes'],
      metric: declared.suggestedSweep.metric,
      why: declared.suggestedSweep.why
    }
  }
}

/** The explorer's view of every registered lab, from each lab's own definition and faithful defaults. */
export function labCatalogue(): LabInfo[] {
  return [...labRegistry.values()].map((module) => {
    const lab = module.definition
    const presetConfigs = presetConfigsOf(module)
    const defaults = presetConfigs.faithful!
    const form = formFromSchema(lab.configSchema)
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
      form,
      presetConfigs,
      ...selfDescriptionInfo(module, form.fields, presetConfigs)
    }
  })
}
