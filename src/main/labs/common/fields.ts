import { z, type RefinementCtx } from 'zod'

// Config fields every lab uses, with messages for people; one definition, not one per lab.
export const num = () => z.number({ error: 'must be a number' })
export const whole = () => z.int({ error: 'must be a whole number' })
export const positive = () => num().gt(0, { error: 'must be > 0' })
export const nonNegative = () => num().min(0, { error: 'must be ≥ 0' })
export const probability = () => num().min(0, { error: 'must be a probability in [0, 1]' }).max(1, { error: 'must be a probability in [0, 1]' })

/** A seed for NumPy's legacy generator (`np.random.seed`: MT19937 `RandomState`), 0 … 2^32 − 1. */
export const legacySeed = (byDefault: number) =>
  whole().min(0, { error: 'must be ≥ 0' }).max(0xffff_ffff, { error: 'must be < 2^32 (NumPy legacy seed)' }).default(byDefault)

/**
 * The LLM switches every chapter's `policy_params` carries, recorded as the notebook spells them.
 * The workstation has no LLM adapter in these labs yet, so every decision is the rule baseline's.
 */
export const NOTEBOOK_LLM_FIELDS = {
  enable_llm: z.boolean({ error: 'must be true or false' }).default(false),
  llm_model: z.string({ error: 'must be a model name' }).default('gpt-4o-mini'),
  llm_temperature: num().min(0, { error: 'must be ≥ 0' }).default(0),
  fallback_to_baseline_on_error: z.boolean({ error: 'must be true or false' }).default(true)
}

/** Rows of a transition matrix must sum to 1 within float rounding. */
export const ROW_SUM_TOLERANCE = Math.sqrt(Number.EPSILON)

/** Adds one issue per malformed row of an n × n Markov transition matrix at `path`. */
export function checkTransitionMatrix(P: readonly (readonly number[])[], n: number, ctx: RefinementCtx, path: PropertyKey[]): void {
  if (P.length !== n) ctx.addIssue({ code: 'custom', path, message: `must be a ${n} × ${n} matrix, one row per regime (got ${P.length} rows)` })
  P.forEach((row, i) => {
    if (row.length !== n) ctx.addIssue({ code: 'custom', path: [...path, i], message: `row ${i} must have ${n} entries, one per regime (got ${row.length})` })
    const total = row.reduce((a, b) => a + b, 0)
    if (Math.abs(total - 1) > ROW_SUM_TOLERANCE) ctx.addIssue({ code: 'custom', path: [...path, i], message: `row ${i} must sum to 1 (got ${total})` })
  })
}

export const CALM = 0
export const STRESSED = 1

/** A calm/stressed Markov chain's config: names and transition matrix P[i][j] = Prob(next = j | now = i). */
export function twoRegimes(defaultP: [[number, number], [number, number]]) {
  return z
    .strictObject({
      names: z
        .array(z.string().min(1, { error: 'must not be empty' }))
        .length(2, { error: 'must name exactly two regimes (calm, then stressed)' })
        .default(() => ['calm', 'stressed']),
      P: z.array(z.array(probability())).default(() => defaultP.map((row) => [...row]))
    })
    .superRefine((r, ctx) => checkTransitionMatrix(r.P, 2, ctx, ['P']))
    .prefault({})
}
