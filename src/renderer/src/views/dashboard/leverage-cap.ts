// Where each lab keeps its gross leverage cap (the risk gate's maxLeverage rule): the config
// path its riskRules read. Labs without a leverage rule have no cap line.
const CAP_PATHS: Readonly<Record<string, string>> = {
  'fx-carry': 'risk_params.max_leverage',
  'credit-spreads': 'risk_params.max_leverage',
  'heston-regime': 'strategy.max_leverage'
}

function readPath(config: Record<string, unknown>, path: string): unknown {
  let node: unknown = config
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** The leverage cap of a lab run's resolved config, or null when the lab has none. */
export function leverageCap(labId: string, config: Record<string, unknown>): number | null {
  const path = CAP_PATHS[labId]
  if (!path) return null
  const value = readPath(config, path)
  return typeof value === 'number' && Number.isFinite(value) ? value : null
}

/**
 * The cap of a run that is still going (its resolved config arrives with the results): the
 * override when the spec sets it (dotted or nested), else the preset's config.
 */
export function leverageCapOfSpec(labId: string, presetConfig: Record<string, unknown>, overrides: Record<string, unknown>): number | null {
  const path = CAP_PATHS[labId]
  if (!path) return null
  const override = path in overrides ? overrides[path] : readPath(overrides, path)
  if (typeof override === 'number' && Number.isFinite(override)) return override
  return leverageCap(labId, presetConfig)
}

/** The config path of a lab's cap (for the legend), or null. */
export const leverageCapPath = (labId: string): string | null => CAP_PATHS[labId] ?? null
