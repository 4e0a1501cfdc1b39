import { configValueAt, type LabInfo } from '../../../../shared/contract'

// The cap line on the leverage chart: the lab declares where its risk gate's leverage cap lives
// (LabInfo.leverageCap, null when it has no leverage rule); these read a run's value there.

type Cap = LabInfo['leverageCap']

const finiteOrNull = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null)

/** The cap in a run's resolved config, or null when the lab has none. */
export function leverageCap(cap: Cap, config: Record<string, unknown>): number | null {
  return cap ? finiteOrNull(configValueAt(config, cap.path)) : null
}

/**
 * The cap of a run that is still going (its resolved config arrives with the results): the
 * override when the spec sets it (dotted or nested), else the preset's or profile's own.
 */
export function leverageCapOfSpec(cap: Cap, preset: string, overrides: Record<string, unknown>): number | null {
  if (!cap) return null
  return finiteOrNull(configValueAt(overrides, cap.path)) ?? cap.byPreset[preset] ?? null
}
