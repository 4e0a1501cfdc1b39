import { ASSET_CLASSES, type AssetClass, type UniverseParams } from './params'

// The universe's assets in a fixed order: equities sector by sector, then bonds, commodities,
// FX and crypto. `group` is the finest watershed the simulator knows (a sector, or a class).

const SECTOR_NAMES = ['TECH', 'FIN', 'ENRG', 'HLTH', 'INDU', 'CONS', 'UTIL', 'MATL', 'COMM', 'REIT', 'STPL'] as const
const CLASS_PREFIX: Record<Exclude<AssetClass, 'equity'>, string> = { bond: 'BOND', commodity: 'CMDTY', fx: 'FX', crypto: 'CRYPTO' }

export interface AssetList {
  readonly labels: readonly string[]
  /** Index into ASSET_CLASSES per asset. */
  readonly classOf: Uint8Array
  /** Group per asset: sectors 0 … S−1, then one group per non-empty non-equity class. */
  readonly groupOf: Uint16Array
  readonly groupNames: readonly string[]
}

export function sectorName(s: number, sectors: number): string {
  return sectors <= SECTOR_NAMES.length ? SECTOR_NAMES[s]! : `SEC${s + 1}`
}

export function assetList(a: UniverseParams['assets']): AssetList {
  const labels: string[] = []
  const classOf: number[] = []
  const groupOf: number[] = []
  const groupNames: string[] = []
  for (let s = 0; s < a.equity_sectors && a.assets_per_sector > 0; s++) {
    const name = sectorName(s, a.equity_sectors)
    groupNames.push(name)
    for (let k = 0; k < a.assets_per_sector; k++) {
      labels.push(`${name}${k + 1}`)
      classOf.push(0)
      groupOf.push(groupNames.length - 1)
    }
  }
  const counts: Record<Exclude<AssetClass, 'equity'>, number> = { bond: a.bonds, commodity: a.commodities, fx: a.fx, crypto: a.crypto }
  for (const cls of ['bond', 'commodity', 'fx', 'crypto'] as const) {
    if (counts[cls] === 0) continue
    groupNames.push(CLASS_PREFIX[cls])
    for (let k = 0; k < counts[cls]; k++) {
      labels.push(`${CLASS_PREFIX[cls]}${k + 1}`)
      classOf.push(ASSET_CLASSES.indexOf(cls))
      groupOf.push(groupNames.length - 1)
    }
  }
  return { labels, classOf: Uint8Array.from(classOf), groupOf: Uint16Array.from(groupOf), groupNames }
}
