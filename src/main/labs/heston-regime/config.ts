import { z } from 'zod'
import type { CorrectionNote, PresetDefinition, StressVariant } from '../../engine/kernel'
import { nonNegative, num, positive, probability, whole } from '../common/fields'

// "Modeling Financial Chaos" (seed 001; spec regime-ssm): a Heston bull/crash simulator with
// per-bar regime labels, a regime classifier, and the book's RegimeFilter strategy. Chapter
// references (Ch.n) are the seed book's. `corrections` holds the switches the `corrected`
// preset flips; defaults are the book as coded.

// spec §1.3, the code's parameter sets (gen_bull / gen_bear); κ is the 2.0 default in both.
const Regime = (mu: number, theta: number, xi: number) =>
  z
    .strictObject({
      mu: num().default(mu).meta({ description: 'Drift μ of the price', unit: 'per year' }),
      theta: nonNegative().default(theta).meta({ description: 'Long-run variance θ', unit: 'variance per year' }),
      kappa: nonNegative().default(2.0).meta({ description: 'Mean-reversion speed κ of the variance', unit: 'per year' }),
      xi: nonNegative().default(xi).meta({ description: 'Volatility of variance ξ', unit: 'per √year' })
    })
    .prefault({})

const Heston = z
  .strictObject({
    bull: Regime(0.1, 0.02, 0.1),
    crash: Regime(-0.3, 0.16, 0.8),
    rho: num().min(-1, { error: 'must be in [−1, 1]' }).max(1, { error: 'must be in [−1, 1]' }).default(-0.7).meta({ description: 'Correlation ρ of the price and variance shocks (leverage effect)', unit: '' }),
    s0: positive().default(100).meta({ description: 'Price at bar 0', unit: 'price' }),
    v0: nonNegative().default(0.02).meta({ description: 'Variance at bar 0', unit: 'variance per year' })
  })
  .prefault({})

const Switching = z
  .strictObject({
    // spec §1.4: the book's single fixed switch (faithful)
    switch_idx: whole().min(2, { error: 'must be ≥ 2' }).default(2500).meta({ description: 'Bar of the single bull→crash switch (switching "single_fixed")', unit: 'bars' }),
    // [REC] spec §1.6: per-bar Markov switching; expected segments 1/p bars (750 bull, 400 crash)
    p_bull_to_crash: probability().default(1 / 750).meta({ description: 'Chance a bull bar is followed by a crash bar (switching "markov")', unit: 'per bar' }),
    p_crash_to_bull: probability().default(1 / 400).meta({ description: 'Chance a crash bar is followed by a bull bar (switching "markov")', unit: 'per bar' })
  })
  .prefault({})

const Classifier = z
  .strictObject({
    // 'ssm': the shipped ONNX regime model, run by the inference service before the engine starts
    kind: z
      .enum(['rv_threshold', 'hmm', 'ssm', 'bocpd', 'markov_switching'], { error: 'must be "rv_threshold", "hmm", "ssm", "bocpd" or "markov_switching"' })
      .default('rv_threshold')
      .meta({ description: 'What reads P(stable): realised-vol threshold, two-state HMM, Bayesian online change-point detection, Markov-switching regression (all walk-forward), or the shipped SSM (computed before the run)' }),
    hmm_iterations: whole().min(1, { error: 'must be ≥ 1' }).max(500, { error: 'must be ≤ 500' }).default(30).meta({ description: 'EM iterations of the first HMM fit', unit: 'iterations' }),
    hmm_refit_iterations: whole().min(0, { error: 'must be ≥ 0' }).max(100, { error: 'must be ≤ 100' }).default(3).meta({ description: 'EM iterations of each later refit, warm-started', unit: 'iterations' }),
    // Adams & MacKay (2007): expected segment length (hazard 1/λ) and the run lengths kept
    bocpd_hazard_bars: num().gt(1, { error: 'must be > 1' }).default(250).meta({ description: 'BOCPD: expected bars between change points (the hazard is its inverse)', unit: 'bars' }),
    bocpd_max_run_length: whole().min(2, { error: 'must be ≥ 2' }).max(5000, { error: 'must be ≤ 5000' }).default(400).meta({ description: 'BOCPD: longest run length tracked; longer runs are pruned', unit: 'bars' }),
    ms_iterations: whole().min(1, { error: 'must be ≥ 1' }).max(500, { error: 'must be ≤ 500' }).default(100).meta({ description: 'Markov-switching: EM iterations of the first maximum-likelihood fit', unit: 'iterations' }),
    ms_refit_iterations: whole().min(0, { error: 'must be ≥ 0' }).max(100, { error: 'must be ≤ 100' }).default(3).meta({ description: 'Markov-switching: EM iterations of each later refit, warm-started', unit: 'iterations' }),
    rv_temperature: positive().default(0.25).meta({ description: 'Softness of the realised-vol P(stable): the logistic\'s temperature as a fraction of the training vol\'s sd', unit: 'fraction of sd' }),
    seq_len: whole().min(2, { error: 'must be ≥ 2' }).default(64).meta({ description: 'Window of the per-window z-score (normalisation "per_window_zscore")', unit: 'bars' }),
    // spec §5.4: the SafetyMonitor radius, 99.9th percentile of training distances (code)
    ood_percentile: num().gt(0, { error: 'must be in (0, 100]' }).max(100, { error: 'must be in (0, 100]' }).default(99.9).meta({ description: 'OOD radius: this percentile of the training feature distances', unit: 'percentile' })
  })
  .prefault({})

const Strategy = z
  .strictObject({
    // spec §5.6: anchored walk-forward from bar 1000, refit every 20 bars
    start_bar: whole().min(102, { error: 'must be ≥ 102 (the Hurst warm-up + 2)' }).default(1000).meta({ description: 'First bar of the anchored walk-forward (bars before it train the classifier)', unit: 'bars' }),
    refit_every: whole().min(1, { error: 'must be ≥ 1' }).default(20).meta({ description: 'Bars between refits of the classifier', unit: 'bars' }),
    // spec §5.2: RegimeFilter threshold 3; asymmetric 2 (exit) / 6 (re-entry)
    confirm_threshold: whole().min(1, { error: 'must be ≥ 1' }).default(3).meta({ description: 'RegimeFilter: bars a new state must persist to be confirmed (symmetric)', unit: 'bars' }),
    exit_threshold: whole().min(1, { error: 'must be ≥ 1' }).default(2).meta({ description: 'RegimeFilter: bars of stress to confirm an exit (asymmetric)', unit: 'bars' }),
    entry_threshold: whole().min(1, { error: 'must be ≥ 1' }).default(6).meta({ description: 'RegimeFilter: bars of calm to confirm a re-entry (asymmetric)', unit: 'bars' }),
    // spec §5.3: > 0.9 → 1.0×, > 0.6 → 0.8×, 0.5–0.6 → 0.5× ([REC] for the [GAP]), < 0.5 → flat
    p_full: probability().default(0.9).meta({ description: 'Full size above this P(stable)', unit: 'probability' }),
    p_reduced: probability().default(0.6).meta({ description: 'Reduced size above this P(stable)', unit: 'probability' }),
    p_flat: probability().default(0.5).meta({ description: 'Flat below this P(stable); the raw stress signal fires below it', unit: 'probability' }),
    leverage_full: nonNegative().default(1.0).meta({ description: 'Position when P(stable) > p_full', unit: '× equity' }),
    leverage_reduced: nonNegative().default(0.8).meta({ description: 'Position when P(stable) > p_reduced', unit: '× equity' }),
    leverage_half: nonNegative().default(0.5).meta({ description: 'Position when P(stable) in [p_flat, p_reduced]', unit: '× equity' }),
    // spec §5.4, App. D.4 guardrails
    daily_loss_limit: positive().max(1, { error: 'must be ≤ 1' }).default(0.03).meta({ description: 'A bar that lost more than this forces the book flat', unit: 'fraction of equity' }),
    max_leverage: positive().default(1.5).meta({ description: 'Exposure cap; a larger target is clipped to it', unit: '× equity' }),
    // spec §5.5: 0.1% per flip
    cost_per_flip: nonNegative().default(0.001).meta({ description: 'Fee per position change (faithful) or per unit of |Δposition| (corrected)', unit: 'fraction of equity' })
  })
  .prefault({})

const Corrections = z
  .strictObject({
    /** per_phase_one_year: dt = 1/len(phase) (book bug); fixed_dt: one dt per bar. */
    time_step: z.enum(['per_phase_one_year', 'fixed_dt'], { error: 'must be "per_phase_one_year" or "fixed_dt"' }).default('per_phase_one_year'),
    /** single_fixed: one bull→crash switch at switch_idx; markov: random segments both ways (always one dt per bar). */
    switching: z.enum(['single_fixed', 'markov'], { error: 'must be "single_fixed" or "markov"' }).default('single_fixed'),
    /** partial: v⁺ only inside √ (book); full: v⁺ in the drift too and stored. */
    variance_truncation: z.enum(['partial', 'full'], { error: 'must be "partial" or "full"' }).default('partial'),
    normalisation: z.enum(['per_window_zscore', 'frozen_train'], { error: 'must be "per_window_zscore" or "frozen_train"' }).default('per_window_zscore'),
    /** symmetric: threshold 3 (wired in the book); asymmetric: 2 out / 6 in (not wired in the book). */
    hysteresis: z.enum(['symmetric', 'asymmetric'], { error: 'must be "symmetric" or "asymmetric"' }).default('symmetric'),
    /** per_flip: 0.1% whenever the position changes (Ch.9.3); per_turnover: 0.1% × |Δposition|. */
    cost_model: z.enum(['per_flip', 'per_turnover'], { error: 'must be "per_flip" or "per_turnover"' }).default('per_flip')
  })
  .prefault({})

export const HestonRegimeConfigSchema = z
  .strictObject({
    seed: whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32' }).default(1).meta({ description: 'Seed of the generator (named streams per process)', unit: '' }),
    n_steps: whole().min(200, { error: 'must be at least 200 bars' }).max(1_000_000, { error: 'must be at most 1,000,000 bars' }).default(5000).meta({ description: 'Bars in the run', unit: 'bars' }),
    dt: positive().max(1, { error: 'must be ≤ 1 (years per bar)' }).default(1 / 252).meta({ description: 'Length of one bar (time_step "fixed_dt" and switching "markov")', unit: 'years/bar' }),
    heston: Heston,
    switching: Switching,
    classifier: Classifier,
    strategy: Strategy,
    corrections: Corrections
  })
  .superRefine((c, ctx) => {
    if (c.corrections.switching === 'single_fixed' && c.switching.switch_idx >= c.n_steps - 1) {
      ctx.addIssue({ code: 'custom', path: ['switching', 'switch_idx'], message: `must be < n_steps − 1 = ${c.n_steps - 1} (got ${c.switching.switch_idx})` })
    }
    if (c.strategy.start_bar >= c.n_steps - 1) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'start_bar'], message: `must be < n_steps − 1 = ${c.n_steps - 1} (got ${c.strategy.start_bar})` })
    }
    const s = c.strategy
    if (!(s.p_flat <= s.p_reduced && s.p_reduced <= s.p_full)) {
      ctx.addIssue({ code: 'custom', path: ['strategy', 'p_reduced'], message: `sizing bands must satisfy p_flat ≤ p_reduced ≤ p_full (got ${s.p_flat}, ${s.p_reduced}, ${s.p_full})` })
    }
  })

export type HestonRegimeConfig = z.infer<typeof HestonRegimeConfigSchema>

export const HESTON_REGIME_CORRECTIONS = {
  timeStep: {
    id: 'time_step',
    title: 'One dt per bar (1/252) for every segment',
    why: 'The book never passes T, so each phase spans one year whatever its length: dt = 1/switch_idx, then 1/(n − switch_idx). At n = 100,000 the "crash" is calmer per bar than the bull (spec §1.4 pitfall 1).'
  },
  switching: {
    id: 'switching',
    title: 'Random multi-segment switches in both directions from a seeded Markov chain',
    why: 'The book promises "random regime switches" but codes one bull→crash switch at a fixed bar; recoveries are needed to exercise re-entry hysteresis (spec §1.4, §1.6).'
  },
  varianceTruncation: {
    id: 'variance_truncation',
    title: 'Full truncation: v⁺ in the drift and stored; log-Euler for S',
    why: 'The book truncates only inside the square roots, so the stored variance can go negative, and steps S with plain Euler, which can cross zero (spec §1.2, §1.6 [REC]).'
  },
  normalisation: {
    id: 'normalisation',
    title: 'Features normalised with statistics frozen from the training split',
    why: 'The per-window z-score erases the volatility level, the main difference between the regimes (AUC 0.50 vs 0.80, spec §2.7).'
  },
  hysteresis: {
    id: 'hysteresis',
    title: 'Asymmetric hysteresis: 2 bars to exit, 6 to re-enter',
    why: 'The book\'s "fast out, slow in" thresholds (Ch.8.4) are printed but never wired into RegimeFilter.update (spec §5.2).'
  },
  costModel: {
    id: 'cost_model',
    title: 'Cost 0.1% × |Δposition|',
    why: 'The book charges 0.1% per signal change whatever its size; with continuous sizing a 0.8× → 1.0× step is not a flip (spec §5.5 [REC]).'
  }
} as const satisfies Record<string, CorrectionNote>

export const HESTON_REGIME_PRESETS: Readonly<Record<'faithful' | 'corrected', PresetDefinition>> = {
  faithful: {
    description: "The book's generator as coded (Ch.4.3): one bull→crash switch at bar 2500 of 5000, each phase one year long, partial truncation; per-window z-scored features; RegimeFilter threshold 3; 0.1% per flip.",
    overrides: {},
    corrections: []
  },
  corrected: {
    description: 'One dt per bar, seeded Markov switching both ways, full truncation, frozen training-split normalisation, asymmetric 2/6 hysteresis, cost per unit turnover.',
    overrides: {
      corrections: { time_step: 'fixed_dt', switching: 'markov', variance_truncation: 'full', normalisation: 'frozen_train', hysteresis: 'asymmetric', cost_model: 'per_turnover' }
    },
    corrections: Object.values(HESTON_REGIME_CORRECTIONS)
  }
}

/** One factor at a time against the frozen base. */
export function hestonRegimeStressMenu(config: HestonRegimeConfig): StressVariant[] {
  const sw = config.switching
  return [
    { name: 'crashes twice as frequent', overrides: { 'switching.p_bull_to_crash': Math.min(1, 2 * sw.p_bull_to_crash) } },
    { name: 'crash vol-of-vol ξ 0.8 → 1.2', overrides: { 'heston.crash.xi': 1.2 } },
    { name: 'costs doubled', overrides: { 'strategy.cost_per_flip': 2 * config.strategy.cost_per_flip } },
    { name: 'leverage 1.2× when P(stable) > 0.9 (the book\'s "if allowed")', overrides: { 'strategy.leverage_full': 1.2 } },
    { name: 'two-state HMM classifier', overrides: { 'classifier.kind': 'hmm' } },
    { name: 'change-point classifier (BOCPD)', overrides: { 'classifier.kind': 'bocpd' } },
    { name: 'Markov-switching classifier', overrides: { 'classifier.kind': 'markov_switching' } },
    { name: 'state-space regime model (ONNX)', overrides: { 'classifier.kind': 'ssm' } },
    { name: 'symmetric hysteresis (threshold 3)', overrides: { 'corrections.hysteresis': 'symmetric' } }
  ]
}
