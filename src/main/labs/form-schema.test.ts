import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { LabInfo, type FormField } from '../../shared/contract'
import { labCatalogue } from './catalogue'
import { describeShape, formFromSchema, labelFromKey } from './form-schema'
import { resolveLabConfig } from '../engine/kernel'
import { labRegistry } from './registry'

const valueAt = (config: unknown, path: string): unknown =>
  path.split('.').reduce<unknown>((node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), config)

/** Every leaf path of a resolved config (plain objects are descended, arrays are leaves). */
function leafPaths(config: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(config).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? leafPaths(value as Record<string, unknown>, path) : [path]
  })
}

const field = (fields: FormField[], path: string): FormField => {
  const found = fields.find((f) => f.path === path)
  if (!found) throw new Error(`no field ${path}`)
  return found
}

describe('lab parameter forms from zod config schemas', () => {
  it('gives every lab a form with one input per config leaf, in the config order', () => {
    expect([...labRegistry.keys()].sort()).toEqual(['credit-spreads', 'funding-basis', 'fx-carry', 'heston-regime', 'latency-arb', 'microstructure', 'oil-curve', 'vol-surface', 'yield-curve', 'cascade', 'equity-factors', 'order-flow', 'cross-asset', 'crypto-arb', 'market-terrain'].sort())
    for (const lab of labRegistry.values()) {
      const form = formFromSchema(lab.config.schema)
      const config = resolveLabConfig(lab, 'faithful', {}) as Record<string, unknown>
      expect(form.fields.map((f) => f.path), lab.id).toEqual(leafPaths(config))
      for (const group of form.groups) expect(form.fields.some((f) => f.path.startsWith(`${group.path}.`)), group.path).toBe(true)
      for (const f of form.fields) expect(f.group === '' || form.groups.some((g) => g.path === f.group), f.path).toBe(true)
    }
  })

  it('keeps ranges: inclusive and exclusive bounds, integers, and no fake ±2^53 bounds', () => {
    const { fields } = formFromSchema(labRegistry.get('fx-carry')!.config.schema)
    expect(field(fields, 'T')).toMatchObject({ kind: 'number', integer: true, minimum: 2, maximum: 1_000_000, exclusiveMinimum: false, exclusiveMaximum: false })
    expect(field(fields, 'risk_params.max_dd_stop')).toMatchObject({ kind: 'number', integer: false, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: false })
    expect(field(fields, 'regimes.injected_windows.win_len')).toMatchObject({ kind: 'number', integer: true, minimum: 1 })
    expect(field(fields, 'regimes.injected_windows.win_len')).not.toHaveProperty('maximum')
    expect(field(fields, 'market_params.rate_mean_spread')).not.toHaveProperty('minimum')
  })

  it('turns enums into selects, booleans into toggles, lists into JSON with their shape, and nullable numbers into optional inputs', () => {
    const fx = formFromSchema(labRegistry.get('fx-carry')!.config.schema).fields
    expect(field(fx, 'corrections.carry_day_count')).toMatchObject({ kind: 'enum', options: ['notebook_c30_over_30', 'annual_times_dt'] })
    expect(field(fx, 'policy_params.enable_llm')).toMatchObject({ kind: 'boolean' })
    expect(field(fx, 'regimes.P')).toMatchObject({ kind: 'json', shape: 'list of rows, each a list of numbers in [0, 1]' })
    const micro = formFromSchema(labRegistry.get('microstructure')!.config.schema).fields
    expect(field(micro, 'strategy.type')).toMatchObject({ kind: 'enum', options: ['InventorySkewMM', 'TWAP', 'Momentum', 'DoNothing'] })
    const credit = formFromSchema(labRegistry.get('credit-spreads')!.config.schema).fields
    expect(field(credit, 'policy_params.step_budget')).toMatchObject({ kind: 'number', integer: true, nullable: true, minimum: 1 })
    expect(field(credit, 'surface_params.rating_buckets')).toMatchObject({ kind: 'json', shape: 'list of exactly 2: "IG", "HY"' })
  })

  it('carries .meta() titles, descriptions and units, and labels other keys from the notebook key', () => {
    const schema = z.strictObject({
      risk: z.strictObject({ cap: z.number().gt(0).default(2).meta({ title: 'Leverage cap', description: 'gross / equity', unit: '×' }) }).meta({ description: 'risk gate' }),
      max_dd_stop: z.number().default(0.2)
    })
    const form = formFromSchema(schema)
    expect(form.groups).toEqual([{ path: 'risk', parent: '', label: 'risk', description: 'risk gate' }])
    expect(field(form.fields, 'risk.cap')).toMatchObject({ label: 'Leverage cap', description: 'gross / equity', unit: '×', group: 'risk' })
    expect(field(form.fields, 'max_dd_stop')).toMatchObject({ label: 'max dd stop', group: '' })
    expect(labelFromKey('impact_bps_calm')).toBe('impact bps calm')
    const fx = formFromSchema(labRegistry.get('fx-carry')!.config.schema).fields
    expect(field(fx, 'risk_params.max_leverage')).toMatchObject({ unit: '× equity', description: 'Gross exposure cap: targets above it are clipped' })
    expect(field(fx, 'T')).toMatchObject({ label: 'T (steps)', unit: 'steps' })
    expect(describeShape({ type: 'array', minItems: 2, maxItems: 64, items: { type: 'number', exclusiveMinimum: 0 } })).toBe('list of 2–64 numbers > 0')
  })

  it('ships in the catalogue with every preset and profile config, and the catalogue passes its contract', () => {
    const labs = labCatalogue()
    for (const lab of labs) {
      expect(() => LabInfo.parse(lab), lab.id).not.toThrow()
      expect(Object.keys(lab.presetConfigs), lab.id).toEqual(['faithful', 'corrected', ...lab.profiles.map((p) => p.id)])
      for (const f of lab.form.fields) expect(valueAt(lab.presetConfigs.corrected, f.path), `${lab.id} ${f.path}`).not.toBeUndefined()
    }
    const micro = labs.find((l) => l.id === 'microstructure')!
    expect(valueAt(micro.presetConfigs.twap, 'strategy.type')).toBe('TWAP')
    const fx = labs.find((l) => l.id === 'fx-carry')!
    expect(valueAt(fx.presetConfigs.corrected, 'corrections.carry_day_count')).toBe('annual_times_dt')
  })
})
