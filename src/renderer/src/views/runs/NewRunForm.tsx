import { useState, type FormEvent } from 'react'
import { MAX_WALK_STEPS, RandomWalkSpec, issuesFromZod, type FieldIssue } from '../../../../shared/contract'

interface Field {
  key: 'steps' | 'seed' | 'start' | 'drift' | 'volatility'
  label: string
  unit: string
  hint: string
  step: string
}

// Labels and units for the random-walk spec; ranges and messages come from its zod schema.
const fields: Field[] = [
  { key: 'steps', label: 'Steps', unit: 'steps', hint: `1 – ${MAX_WALK_STEPS.toLocaleString('en-US')}`, step: '1' },
  { key: 'seed', label: 'Seed', unit: '', hint: '0 – 2³²−1', step: '1' },
  { key: 'start', label: 'Start level', unit: '', hint: '−1e9 – 1e9', step: 'any' },
  { key: 'drift', label: 'Drift μ', unit: '/step', hint: '−1000 – 1000', step: 'any' },
  { key: 'volatility', label: 'Volatility σ', unit: '/step', hint: '(0, 1000]', step: 'any' }
]

export type FormValues = Record<Field['key'], string>

export const defaultFormValues: FormValues = { steps: '1000000', seed: '42', start: '0', drift: '0', volatility: '1' }

export interface NewRunFormProps {
  busy: boolean
  onSubmit(spec: RandomWalkSpec): Promise<FieldIssue[] | null>
}

/** Parses the form with the same schema the router enforces, so messages match server-side ones. */
export function parseForm(values: FormValues): { spec: RandomWalkSpec } | { issues: FieldIssue[] } {
  const toNumber = (text: string): number | string => (text.trim() === '' ? text : Number(text))
  const candidate = { task: 'random-walk', ...Object.fromEntries(fields.map((f) => [f.key, toNumber(values[f.key])])) }
  const parsed = RandomWalkSpec.safeParse(candidate)
  return parsed.success ? { spec: parsed.data } : { issues: issuesFromZod(parsed.error, candidate, 'spec') }
}

export function NewRunForm({ busy, onSubmit }: NewRunFormProps) {
  const [values, setValues] = useState<FormValues>(defaultFormValues)
  const [issues, setIssues] = useState<FieldIssue[]>([])
  const [submitting, setSubmitting] = useState(false)

  const issueFor = (key: string): string | undefined => issues.find((i) => i.path === key || i.path.endsWith(`.${key}`))?.message

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    const parsed = parseForm(values)
    if ('issues' in parsed) {
      setIssues(parsed.issues)
      return
    }
    setIssues([])
    setSubmitting(true)
    try {
      const serverIssues = await onSubmit(parsed.spec)
      if (serverIssues) setIssues(serverIssues)
    } finally {
      setSubmitting(false)
    }
  }

  return (
    <form className="form" onSubmit={(e) => void submit(e)} aria-label="New random walk">
      {fields.map((field) => {
        const problem = issueFor(field.key)
        return (
          <label key={field.key} className={problem ? 'field invalid' : 'field'}>
            <span className="field-label">
              {field.label}
              {field.unit && <span className="unit">{field.unit}</span>}
            </span>
            <input
              name={field.key}
              inputMode="decimal"
              value={values[field.key]}
              step={field.step}
              aria-invalid={!!problem}
              onChange={(e) => setValues({ ...values, [field.key]: e.target.value })}
            />
            <span className="field-hint">{problem ?? field.hint}</span>
          </label>
        )
      })}
      {issues.some((i) => !fields.some((f) => i.path.endsWith(f.key))) && (
        <p className="form-error" role="alert">
          {issues.map((i) => `${i.path}: ${i.message}`).join('; ')}
        </p>
      )}
      <button type="submit" className="primary" disabled={busy || submitting} title="Start the run (Enter)">
        Run <kbd>↵</kbd>
      </button>
    </form>
  )
}
