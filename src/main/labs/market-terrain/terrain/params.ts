import { z } from 'zod'
import { nonNegative, positive, probability, whole } from '../../common/fields'

// The terrain scanner's parameters (spec §1.1, §8). Seed numbers: the 60/240-bar windows (L277)
// and the 2σ fault-line alert (L1107, L1329). The rest the seed leaves open (§7.8): [proposal]
// values with their reasons.

const bars = (min: number) => whole().min(min, { error: `must be ≥ ${min}` }).max(10_000, { error: 'must be ≤ 10,000' })

export const TerrainParams = z
  .strictObject({
    short_window: bars(3).default(60).meta({ description: 'Bars in the short rolling correlation window (seed L277)', unit: 'bars' }),
    long_window: bars(3).default(240).meta({ description: 'Bars in the long rolling correlation window (seed L277)', unit: 'bars' }),
    shrinkage: probability().default(0.1).meta({ description: 'Weight δ of the constant-correlation target in C_s = (1 − δ)·C + δ·F ([proposal]: keeps C invertible for the precision watersheds)', unit: 'fraction' }),
    pca_components: whole().min(1, { error: 'must be ≥ 1' }).max(50, { error: 'must be ≤ 50' }).default(5).meta({ description: 'Leading eigenpairs tracked per window', unit: 'components' }),
    pca_iterations: whole().min(1, { error: 'must be ≥ 1' }).max(50, { error: 'must be ≤ 50' }).default(1).meta({ description: 'Warm-started subspace iterations per bar (the matrix moves little between bars, so one is enough; the first bar runs 200)', unit: 'iterations' }),
    hardness_components: whole().min(1, { error: 'must be ≥ 1' }).max(50, { error: 'must be ≤ 50' }).default(3).meta({ description: 'Dimension m of the leading eigen-subspaces whose overlap ‖V_sᵀV_l‖²/m between the windows is the eigen hardness', unit: 'components' }),
    absorption_components: whole().min(1, { error: 'must be ≥ 1' }).max(50, { error: 'must be ≤ 50' }).default(3).meta({ description: 'Eigenvalues in the absorption ratio Σλ_k/n ([proposal]: Kritzman uses n/5; a fixed few keeps the per-bar PCA cheap)', unit: 'components' }),
    fault_sigma: positive().default(2).meta({ description: 'A pair’s short-window correlation this many σ from its own history fires a fault-line alert (seed L1107)', unit: 'σ' }),
    fault_history_half_life: positive().default(240).meta({ description: 'Half-life of each pair’s EWMA mean and σ of correlation, its "historical norm" ([proposal]: the long window)', unit: 'bars' }),
    fault_min_history: bars(1).default(60).meta({ description: 'Bars of a pair’s correlation history before it may fire ([proposal]; the corrected preset waits one fault_history_half_life, 240: a σ measured on 60 bars of a 60-bar window’s correlation is one window’s wobble, and alerts ran 3–6× their later rate for 60 bars)', unit: 'bars' }),
    hardness_min_history: bars(1).default(60).meta({ description: 'Bars of a pair’s correlation history before its edge hardness is read (and the hardness guard lets the book trade)', unit: 'bars' }),
    edge_hardness_scale: positive().default(0.1).meta({ description: 'Edge hardness = 1/(1 + σ_ρ/scale): the σ of correlation at which an edge is half hard ([proposal])', unit: 'correlation' }),
    watersheds: whole().min(1, { error: 'must be ≥ 1' }).max(1000, { error: 'must be ≤ 1,000' }).default(6).meta({ description: 'Clusters the Ward tree is cut into', unit: 'clusters' }),
    precision_threshold: probability().default(0.1).meta({ description: 'Partial correlation |p| that links two assets into one precision watershed ([proposal])', unit: 'correlation' }),
    precision_every: bars(1).default(60).meta({ description: 'Bars between precision-matrix watersheds (an O(n³) inversion, so not every bar)', unit: 'bars' }),
    alert_log_limit: nonNegative().default(5000).meta({ description: 'Most fault-line alerts kept in the run’s log (counts are always complete)', unit: 'alerts' })
  })
  .superRefine((p, ctx) => {
    if (p.long_window <= p.short_window) ctx.addIssue({ code: 'custom', path: ['long_window'], message: `must be longer than short_window (${p.long_window} ≤ ${p.short_window})` })
    if (p.hardness_components > p.pca_components) ctx.addIssue({ code: 'custom', path: ['hardness_components'], message: `must be ≤ pca_components (${p.hardness_components} > ${p.pca_components})` })
    if (p.absorption_components > p.pca_components) ctx.addIssue({ code: 'custom', path: ['absorption_components'], message: `must be ≤ pca_components (${p.absorption_components} > ${p.pca_components})` })
  })
  .prefault({})
export type TerrainParams = z.infer<typeof TerrainParams>
