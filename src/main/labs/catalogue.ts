import { configValueAt, type FormField, type LabInfo } from '../../shared/contract'
import { resolveLabConfig, type AnyLab } from '../engine/kernel'
import { formFromSchema } from './form-schema'
import { labRegistry } from './registry'

/** Every preset and profile of a lab, each with its full resolved config. */
function presetConfigsOf(lab: AnyLab): Record<string, Record<string, unknown>> {
  return {
    faithful: resolveLabConfig(lab, 'faithful', {}) as Record<string, unknown>,
    corrected: resolveLabConfig(lab, 'corrected', {}) as Record<string, unknown>,
    ...Object.fromEntries(Object.entries(lab.config.profiles ?? {}).map(([id, p]) => [id, resolveLabConfig(lab, 'faithful', p.overrides) as Record<string, unknown>]))
  }
}

/** The number at a config path the lab declared; a path that holds none is the lab's mistake, named here. */
function declaredNumber(lab: string, preset: string, config: Record<string, unknown>, path: string): number {
  const value = configValueAt(config, path)
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${lab}: declared config path ${path} holds no number in preset ${preset} (got ${JSON.stringify(value)})`)
  return value
}

/** The views' facts about a lab: its own declaration, with values and units read from its configs and schema. */
function selfDescriptionInfo(lab: AnyLab, fields: readonly FormField[], configs: Record<string, Record<string, unknown>>) {
  const declared = lab.selfDescription
  const unitOf = (path: string): string | null => fields.find((f) => f.path === path)?.unit ?? null
  const capPath = declared.leverageCapPath
  return {
    leverageCap:
      capPath === null
        ? null
        : { path: capPath, unit: unitOf(capPath), byPreset: Object.fromEntries(Object.entries(configs).map(([preset, c]) => [preset, declaredNumber(lab.id, preset, c, capPath)])) },
    surface: { layout: declared.surface.layout, phaseSpace: declared.surface.phaseSpace },
    terrainView: declared.terrainView === true,
    regimePriceSeries: lab.priceSeries ? { name: lab.priceSeries.name } : null,
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
  return [...labRegistry.values()].map((lab) => {
    const presetConfigs = presetConfigsOf(lab)
    const defaults = presetConfigs.faithful!
    const form = formFromSchema(lab.config.schema)
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
      profiles: Object.entries(lab.config.profiles ?? {}).map(([id, p]) => ({ id, description: p.description })),
      defaults,
      form,
      presetConfigs,
      ...selfDescriptionInfo(lab, form.fields, presetConfigs)
    }
  })
}
