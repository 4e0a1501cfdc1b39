import { useState, type FormEvent } from 'react'
import { LabRunSpec, issuesFromZod, type FieldIssue, type LabInfo } from '../../../../shared/contract'

export interface LabRunFormProps {
  labs: LabInfo[]
  onSubmit(spec: LabRunSpec): Promise<FieldIssue[] | null>
}

/** Parses `path.to.key=value` lines; values are JSON where they parse (numbers, arrays), else text. */
export function parseOverrides(text: string): { overrides: Record<string, unknown> } | { issues: FieldIssue[] } {
  const overrides: Record<string, unknown> = {}
  const issues: FieldIssue[] = []
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const eq = line.indexOf('=')
    if (eq <= 0) {
      issues.push({ path: 'overrides', message: `line ${i + 1}: expected path.to.key=value (got ${JSON.stringify(line.slice(0, 40))})` })
      return
    }
    const value = line.slice(eq + 1).trim()
    let parsed: unknown = value
    try {
      parsed = JSON.parse(value)
    } catch {
      // a bare word stays a string
    }
    overrides[line.slice(0, eq).trim()] = parsed
  })
  return issues.length ? { issues } : { overrides }
}

export function LabRunForm({ labs, onSubmit }: LabRunFormProps) {
  const [labId, setLabId] = useState(labs[0]?.id ?? '')
  const [preset, setPreset] = useState('faithful')
  const [seed, setSeed] = useState('')
  const [overrides, setOverrides] = useState('')
  const [issues, setIssues] = useState<FieldIssue[]>([])
  const [submitting, setSubmitting] = useState(false)
  const lab = labs.find((l) => l.id === labId) ?? labs[0]

  if (!lab) return <p className="empty-state">No mechanism labs are registered in this build.</p>

  async function submit(event: FormEvent): Promise<void> {
    event.preventDefault()
    const parsedOverrides = parseOverrides(overrides)
    if ('issues' in parsedOverrides) {
      setIssues(parsedOverrides.issues)
      return
    }
    const candidate = {
      task: 'lab',
      lab: lab?.id,
      preset,
      ...(seed.trim() === '' ? {} : { seed: Number(seed) }),
      overrides: parsedOverrides.overrides
    }
    const parsed = LabRunSpec.safeParse(candidate)
    if (!parsed.success) {
      setIssues(issuesFromZod(parsed.error, candidate, 'spec'))
      return
    }
    setIssues([])
    setSubmitting(true)
    try {
      setIssues((await onSubmit(parsed.data)) ?? [])
    } finally {
      setSubmitting(false)
    }
  }

  const corrections = preset === 'corrected' ? lab.presets.corrected.corrections : []
  return (
    <form className="form lab-form" onSubmit={(e) => void submit(e)} aria-label="New lab run">
      <label className="field">
        <span className="field-label">Lab</span>
        <select
          name="lab"
          value={lab.id}
          onChange={(e) => {
            setLabId(e.target.value)
            setPreset('faithful') // a profile belongs to one lab
          }}
        >
          {labs.map((l) => (
            <option key={l.id} value={l.id}>
              {l.chapter > 0 ? `ch.${l.chapter} ` : ''}
              {l.title}
            </option>
          ))}
        </select>
        <span className="field-hint">
          {lab.steps} steps · actions {lab.actions.join(', ')}
        </span>
      </label>
      <label className="field">
        <span className="field-label">Preset</span>
        <select name="preset" value={preset} onChange={(e) => setPreset(e.target.value)}>
          <option value="faithful">faithful (reference)</option>
          <option value="corrected">corrected</option>
          {lab.profiles.map((p) => (
            <option key={p.id} value={p.id} title={p.description}>
              {p.id}
            </option>
          ))}
        </select>
        <span className="field-hint">
          {preset === 'corrected'
            ? `${corrections.length} named fixes`
            : preset === 'faithful'
              ? lab.presets.faithful.description
              : (lab.profiles.find((p) => p.id === preset)?.description ?? '')}
        </span>
      </label>
      <label className="field">
        <span className="field-label">Seed</span>
        <input name="lab-seed" inputMode="numeric" placeholder={String(lab.defaultSeed)} value={seed} onChange={(e) => setSeed(e.target.value)} />
        <span className="field-hint">{issues.find((i) => i.path.endsWith('seed'))?.message ?? `default ${lab.defaultSeed}`}</span>
      </label>
      <label className="field field-wide">
        <span className="field-label">Overrides</span>
        <textarea
          name="overrides"
          rows={3}
          spellCheck={false}
          placeholder={'path.to.key=value, one per line\ne.g. seed=7'}
          value={overrides}
          onChange={(e) => setOverrides(e.target.value)}
        />
      </label>
      {issues.length > 0 && (
        <p className="form-error" role="alert">
          {issues.map((i) => `${i.path}: ${i.message}`).join('; ')}
        </p>
      )}
      <button type="submit" className="primary" disabled={submitting} title="Run the lab (Enter)">
        Run lab <kbd>↵</kbd>
      </button>
    </form>
  )
}
