import { z } from 'zod'
import { nonNegative, num, positive, probability, whole } from '../../common/fields'

// The universe simulator's parameters: one zod schema, composed into the lab's config, so the
// form, `--set` and the memo's table all read the same names, units and descriptions.
// Numbers marked "seed" come from seed 004 (spec §2: L2124, L2126); the rest are [proposal]
// values the seed leaves open (spec §7.8), each with its reason in the description.

export const REGIME_NAMES = ['risk_on', 'risk_off'] as const
export type RegimeName = (typeof REGIME_NAMES)[number]
export const RISK_ON = 0
export const RISK_OFF = 1

/** The asset classes the blocks are keyed by; equities are further split into sectors. */
export const ASSET_CLASSES = ['equity', 'bond', 'commodity', 'fx', 'crypto'] as const
export type AssetClass = (typeof ASSET_CLASSES)[number]

const correlation = () => num().min(-0.999, { error: 'must be a correlation in (−1, 1)' }).max(0.999, { error: 'must be a correlation in (−1, 1)' })
const count = (max: number) => whole().min(0, { error: 'must be ≥ 0' }).max(max, { error: `must be ≤ ${max}` })

/** One value per regime: risk_on, then risk_off. */
const perRegime = (field: () => z.ZodNumber, values: readonly [number, number], description: string, unit: string) =>
  z
    .strictObject({
      risk_on: field().default(values[0]).meta({ description: `${description} in risk_on`, unit }),
      risk_off: field().default(values[1]).meta({ description: `${description} in risk_off`, unit })
    })
    .prefault({})

export const UniverseAssets = z
  .strictObject({
    equity_sectors: count(40).default(4).meta({ description: 'Equity sectors (each a tributary of the equity watershed)', unit: 'sectors' }),
    assets_per_sector: count(100).default(3).meta({ description: 'Equities per sector', unit: 'assets' }),
    bonds: count(100).default(3).meta({ description: 'Government bond assets', unit: 'assets' }),
    commodities: count(100).default(3).meta({ description: 'Commodity assets', unit: 'assets' }),
    fx: count(100).default(3).meta({ description: 'FX pairs (quoted as risk-on currency vs USD)', unit: 'assets' }),
    crypto: count(100).default(2).meta({ description: 'Crypto assets', unit: 'assets' })
  })
  .prefault({})

// Seed L2124: stock–bond +0.2/+0.4 → −0.3/−0.6 (mid-points +0.3, −0.45); equity 0.6 → 0.9 in crises.
// The other pairs are [proposal], chosen as one risk factor per regime (class loadings l, pair
// ρ_ab ≈ l_a·l_b·√(ρ_aa·ρ_bb)) so that the blocks stay positive semi-definite for any class sizes:
// free blocks that each look plausible (crypto and FX both tied to equities, yet unrelated to each
// other) are not a correlation matrix once the classes hold tens of assets.
export const CorrelationBlocks = z
  .strictObject({
    equity_equity: perRegime(correlation, [0.6, 0.9], 'Correlation between equities of different sectors (seed L2124: 0.6 → 0.9)', 'correlation'),
    equity_sector_extra: perRegime(num, [0.15, 0.05], 'Added to equity_equity within one sector (tributaries; [proposal]: sectors blur in a crisis)', 'correlation'),
    stock_bond: perRegime(correlation, [0.3, -0.45], 'Stock–bond correlation (seed L2124 mid-points: +0.2/+0.4 → −0.3/−0.6)', 'correlation'),
    bond_bond: perRegime(correlation, [0.7, 0.8], 'Correlation between bonds ([proposal]: one duration factor)', 'correlation'),
    commodity_commodity: perRegime(correlation, [0.3, 0.5], 'Correlation between commodities ([proposal])', 'correlation'),
    fx_fx: perRegime(correlation, [0.3, 0.5], 'Correlation between FX pairs ([proposal])', 'correlation'),
    crypto_crypto: perRegime(correlation, [0.7, 0.85], 'Correlation between crypto assets ([proposal])', 'correlation'),
    equity_commodity: perRegime(correlation, [0.2, 0.3], 'Equity–commodity correlation ([proposal]: growth demand)', 'correlation'),
    equity_fx: perRegime(correlation, [0.2, 0.45], 'Equity–FX correlation (risk-on currencies; seed L2137 claims 0.75 for commodity FX)', 'correlation'),
    equity_crypto: perRegime(correlation, [0.2, 0.5], 'Equity–crypto correlation ([proposal]: crypto joins risk-off selling)', 'correlation'),
    bond_commodity: perRegime(correlation, [0.1, -0.15], 'Bond–commodity correlation ([proposal])', 'correlation'),
    bond_fx: perRegime(correlation, [0.1, -0.22], 'Bond–FX correlation ([proposal])', 'correlation'),
    bond_crypto: perRegime(correlation, [0.1, -0.25], 'Bond–crypto correlation ([proposal])', 'correlation'),
    commodity_fx: perRegime(correlation, [0.05, 0.15], 'Commodity–FX correlation ([proposal])', 'correlation'),
    commodity_crypto: perRegime(correlation, [0.05, 0.15], 'Commodity–crypto correlation ([proposal])', 'correlation'),
    fx_crypto: perRegime(correlation, [0.05, 0.25], 'FX–crypto correlation ([proposal])', 'correlation')
  })
  .prefault({})
export type CorrelationBlocks = z.infer<typeof CorrelationBlocks>

const classRegime = (values: Record<AssetClass, readonly [number, number]>, field: () => z.ZodNumber, description: string, unit: string) =>
  z
    .strictObject(Object.fromEntries(ASSET_CLASSES.map((c) => [c, perRegime(field, values[c], `${description} of ${c}`, unit)])) as Record<AssetClass, ReturnType<typeof perRegime>>)
    .prefault({})

// Seed L2122 (risk-off: Treasuries beat equities by 15–25 %) sets the signs; sizes are [proposal].
export const ClassDynamics = z
  .strictObject({
    vol: classRegime(
      { equity: [0.18, 0.32], bond: [0.06, 0.09], commodity: [0.22, 0.35], fx: [0.08, 0.12], crypto: [0.6, 0.9] },
      positive,
      'Annualised volatility',
      'per year'
    ),
    drift: classRegime(
      { equity: [0.08, -0.2], bond: [0.02, 0.08], commodity: [0.04, -0.05], fx: [0.01, -0.04], crypto: [0.3, -0.5] },
      num,
      'Annualised log drift',
      'per year'
    )
  })
  .prefault({})

// Seed L2126: risk-on 18–24 months, risk-off 6–12 months. A bar stays with p = 1 − 1/(mean months × bars per month).
export const RegimeDurations = z
  .strictObject({
    bars_per_month: positive().default(21).meta({ description: 'Trading bars per month (daily bars)', unit: 'bars' }),
    risk_on_months_min: positive().default(18).meta({ description: 'Shortest typical risk-on spell (seed L2126)', unit: 'months' }),
    risk_on_months_max: positive().default(24).meta({ description: 'Longest typical risk-on spell (seed L2126)', unit: 'months' }),
    risk_off_months_min: positive().default(6).meta({ description: 'Shortest typical risk-off spell (seed L2126)', unit: 'months' }),
    risk_off_months_max: positive().default(12).meta({ description: 'Longest typical risk-off spell (seed L2126)', unit: 'months' }),
    start: z.enum(REGIME_NAMES, { error: 'must be "risk_on" or "risk_off"' }).default('risk_on').meta({ description: 'Regime at bar 0' })
  })
  .superRefine((d, ctx) => {
    if (d.risk_on_months_min > d.risk_on_months_max) ctx.addIssue({ code: 'custom', path: ['risk_on_months_min'], message: `must be ≤ risk_on_months_max (got ${d.risk_on_months_min} > ${d.risk_on_months_max})` })
    if (d.risk_off_months_min > d.risk_off_months_max) ctx.addIssue({ code: 'custom', path: ['risk_off_months_min'], message: `must be ≤ risk_off_months_max (got ${d.risk_off_months_min} > ${d.risk_off_months_max})` })
    for (const r of ['risk_on', 'risk_off'] as const) {
      const bars = ((d[`${r}_months_min`] + d[`${r}_months_max`]) / 2) * d.bars_per_month
      if (bars <= 1) ctx.addIssue({ code: 'custom', path: [`${r}_months_min`], message: `a ${r} spell must last more than one bar (mean ${bars.toFixed(2)} bars)` })
    }
  })
  .prefault({})

/** Where a Hawkes layer's burst lands: one asset, one group (sector or class), one asset class, or the whole market. */
export const SHOCK_SCOPES = ['asset', 'group', 'class', 'market'] as const

const hawkesLayer = (d: { baseline: number; excitation: number; halfLife: number; size: number; scope: (typeof SHOCK_SCOPES)[number] }, what: string) =>
  z
    .strictObject({
      baseline: nonNegative().default(d.baseline).meta({ description: `Background burst rate of the ${what} layer`, unit: 'events per bar' }),
      excitation: nonNegative().default(d.excitation).meta({ description: `Intensity added by each ${what} burst (self-excitation α)`, unit: 'events per bar' }),
      half_life: positive().default(d.halfLife).meta({ description: `Half-life of the ${what} excitation`, unit: 'bars' }),
      size: nonNegative().default(d.size).meta({ description: `Standard deviation of one ${what} burst's return`, unit: 'log return' }),
      scope: z.enum(SHOCK_SCOPES, { error: `must be one of ${SHOCK_SCOPES.join(', ')}` }).default(d.scope).meta({ description: `What one ${what} burst hits` })
    })
    .superRefine((l, ctx) => {
      // Branching ratio α / (1 − decay) ≥ 1 makes the process explode (every burst breeds more than one).
      const branching = l.excitation / (1 - 2 ** (-1 / l.half_life))
      if (branching >= 1) ctx.addIssue({ code: 'custom', path: ['excitation'], message: `makes the ${what} layer explosive: branching ratio excitation/(1 − 2^(−1/half_life)) = ${branching.toFixed(3)} must be < 1` })
    })
    .prefault({})

// Seed L14–19 / L909–915 names four time scales ("HFT drops, retail monthly showers, institutional
// quarterly storms, generational climate shifts") with no numbers: all values are [proposal].
export const ShockLayers = z
  .strictObject({
    intraday: hawkesLayer({ baseline: 0.05, excitation: 0.3, halfLife: 0.5, size: 0.006, scope: 'asset' }, 'intraday'),
    monthly: hawkesLayer({ baseline: 1 / 21, excitation: 0.01, halfLife: 10, size: 0.01, scope: 'group' }, 'monthly'),
    quarterly: hawkesLayer({ baseline: 1 / 63, excitation: 0.004, halfLife: 30, size: 0.015, scope: 'class' }, 'quarterly'),
    decade: hawkesLayer({ baseline: 1 / 2520, excitation: 0.001, halfLife: 252, size: 0.03, scope: 'market' }, 'decade'),
    risk_off_multiplier: positive().default(2).meta({ description: 'Every layer’s baseline is multiplied by this in risk_off', unit: '×' })
  })
  .prefault({})
export const LAYER_NAMES = ['intraday', 'monthly', 'quarterly', 'decade'] as const

// Erosion (seed L934–939): the correlation target drifts towards the regime's block matrix at a
// regime-dependent speed — flash flooding (risk_off, fast), steady erosion (risk_on, slow),
// drought (low vol: structure crystallises, slower still). Half-lives are [proposal].
export const Erosion = z
  .strictObject({
    half_life: perRegime(positive, [120, 10], 'Half-life of the correlation target’s drift towards the regime’s blocks', 'bars'),
    drought_vol_ratio: positive().default(0.6).meta({ description: 'Drought when the equity index’s EWMA vol is below this share of its risk_on vol', unit: 'fraction' }),
    drought_slowdown: probability().default(0.25).meta({ description: 'Erosion speed multiplier in a drought (hardening)', unit: '×' }),
    vol_half_life: positive().default(20).meta({ description: 'Half-life of the equity-index EWMA vol the drought reads', unit: 'bars' })
  })
  .prefault({})

export const UniverseParams = z
  .strictObject({
    bars: whole().min(2, { error: 'must be ≥ 2' }).max(100_000, { error: 'must be ≤ 100,000' }).default(2520).meta({ description: 'Bars simulated (2,520 = ten years of days)', unit: 'bars' }),
    bars_per_year: positive().default(252).meta({ description: 'Bars per year (annualised vols and drifts scale by it)', unit: 'bars' }),
    assets: UniverseAssets,
    correlation: CorrelationBlocks,
    dynamics: ClassDynamics,
    durations: RegimeDurations,
    shocks: ShockLayers,
    erosion: Erosion
  })
  .superRefine((u, ctx) => {
    const a = u.assets
    const n = a.equity_sectors * a.assets_per_sector + a.bonds + a.commodities + a.fx + a.crypto
    if (n < 2) ctx.addIssue({ code: 'custom', path: ['assets'], message: `must hold at least two assets (got ${n}): a terrain needs pairs` })
  })
  .prefault({})
export type UniverseParams = z.infer<typeof UniverseParams>

/** Daily probability of staying in each regime: p = 1 − 1/(mean spell in bars), spec §2 [proposal]. */
export function stayProbabilities(d: UniverseParams['durations']): [number, number] {
  const meanBars = (lo: number, hi: number) => ((lo + hi) / 2) * d.bars_per_month
  return [1 - 1 / meanBars(d.risk_on_months_min, d.risk_on_months_max), 1 - 1 / meanBars(d.risk_off_months_min, d.risk_off_months_max)]
}
