import { useState, type FormEvent } from 'react'
import { usePersistentState } from '../../app/persistence'
import type { FieldIssue, RandomWalkSpec } from '../../../../shared/contract'
import { MAX_WALK_STEPS } from '../../../../shared/contract/limits'

interface Field {
  key: 'steps' | 'seed' | 'start' | 'drift' | 'volatility'
  label: string
  unit: string
  hint: string
}

// Labels and units for the random-walk spec; ranges and messages come from its zod schema.
const fields: Field[] = [
  { key: 'steps', label: 'Steps', unit: 'steps', hint: `1 – ${MAX_WALK_STEPS.toLocaleString('en-US')}` },
  { key: 'seed', label: 'Seed', unit: '', hint: '0 – 2³²−1' },
  { key: 'start', label: 'Start level', unit: '', hint: '−1e9 – 1e9' },
  { key: 'drift', label: 'Drift μ', unit: '/step', hint: '−1000 – 1000' },
  { key: 'volatility', label: 'Volatility σ', unit: '/step', hint: '(0, 1000]' }
]

export type WalkValues = Record<Field['key'], string>

export const defaultWalkValues: WalkValues = { steps: '1000000', seed: '42', start: '0', drift: '0', volatility: '1' }

const isWalkValues = (v: unknown): v is WalkValues =>
  v !== null && typeof v === 'object' && fields.every((f) => typeof (v as Record<string, unknown>)[f.key] === 'string')

/**
 * Parses the form with the same schema the router enforces, so messages match server-side ones.
 * The schemas (and zod) load on the first submit, not with the explorer's first screen.
 */
export async function parseWalk(values: WalkValues): Promise<{ spec: RandomWalkSpec } | { issues: FieldIssue[] }> {
  const { RandomWalkSpec, issuesFromZod } = await import('../../../../shared/contract')
  const toNumber = (text: string): number | string => (text.trim() === '' ? text : Number(text))
  const candidate = { task: 'random-walk', ...Object.fromEntries(fields.map((f) => [f.key, toNumber(values[f.key])])) }
  const parsed = RandomWalkSpec.safeParse(candidate)
  return parsed.success ? { spec: parsed.data } : { issues: issuesFromZod(parsed.error, candidate, 'spec') }
}

export interface WalkFormProps {
  disabled: boolean
  onSubmit(spec: RandomWalkSpec): Promise<FieldIssue[] | null>
}

/** The engine's seeded Gaussian walk: the whole path (form → engine → store → chart) at full speed. */
export function WalkForm({ disabled, onSubmit }: WalkFormProps) {
  // Remembered like the labs' drafts: leaving the explorer and coming back keeps what was typed.
  const [values, setValues] = usePersistentState<WalkValues>('explorer.walk', defaultWalkValues, isWalkValues)
  const [issues, setIssues] = useState<FieldIssue[]>([])
  const [submitting, setSubmitting] = useState(false)
  const issueFor = (key: string): string | undefined => issues.find((i) => i.path === key || i.path.endsWith(`.${key}`))?.message

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    const parsed = await parseWalk(values)
    if ('issues' in parsed) {
      setIssues(parsed.issues)
      return
    }
    setIssues([])
    setSubmitting(true)
    try {
      setIssues((await onSubmit(parsed.spec)) ?? [])
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <form className="form walk-form" id="explorer-form" onSubmit={(e) => void submit(e)} aria-label="New random walk">
      {fields.map((field) => {
        const problem = issueFor(field.key)
        return (
          <label key={field.key} className={problem ? 'field invalid' : 'field'}>
            <span className="field-label">
              {field.label}
              {field.unit && <span className="unit">{field.unit}</span>}
            </span>
            <input name={field.key} inputMode="decimal" value={values[field.key]} aria-invalid={!!problem} onChange={(e) => setValues({ ...values, [field.key]: e.target.value })} />
            <span className="field-hint">{problem ?? field.hint}</span>
          </label>
        )
      })}
      {issues.some((i) => !fields.some((f) => i.path.endsWith(f.key))) && (
        <p className="form-error" role="alert">
          {issues.map((i) => `${i.path}: ${i.message}`).join('; ')}
        </p>
      )}
      <div className="form-actions">
        <button type="submit" className="primary" disabled={disabled || submitting} title="Start the run (Ctrl+Enter)">
          Run <kbd>Ctrl ↵</kbd>
        </button>
      </div>
    </form>
  )
}
