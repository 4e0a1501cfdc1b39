import { useState } from 'react'
import type { FormField, FormGroup, LabForm } from '../../../../shared/contract'
import { isString, readStored, writeStored } from '../../app/persistence'
import { formatValue, rangeText, valueAt } from './form-values'

export interface LabParameterFormProps {
  labId: string
  form: LabForm
  /** The preset's full config: what an unedited input shows. */
  base: Record<string, unknown>
  edits: Record<string, string>
  /** Paths whose value differs from the preset (or cannot be read). */
  modified: ReadonlySet<string>
  /** Messages per path, from the engine's validation or from reading the input. */
  problems: Record<string, string[]>
  onEdit(path: string, text: string | null): void
  /** Fields the explorer shows elsewhere (the seed). */
  hidden: ReadonlySet<string>
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString)

/** The lab's config as a form: top-level knobs first, then one collapsible group per nested object. */
export function LabParameterForm({ labId, form, base, edits, modified, problems, onEdit, hidden }: LabParameterFormProps) {
  const storageKey = `explorer.collapsed.${labId}`
  const [collapsed, setCollapsed] = useState<string[]>(() => readStored(storageKey, [], isStringArray))
  const toggle = (path: string, open: boolean): void => {
    const next = open ? collapsed.filter((p) => p !== path) : [...collapsed, path]
    setCollapsed(next)
    writeStored(storageKey, next)
  }
  const fieldsIn = (group: string): FormField[] => form.fields.filter((f) => f.group === group && !hidden.has(f.path))
  const groupsIn = (parent: string): FormGroup[] => form.groups.filter((g) => g.parent === parent)
  const touches = (group: string, paths: Iterable<string>): boolean => [...paths].some((p) => p.startsWith(`${group}.`))

  const renderGroup = (group: FormGroup) => {
    const changed = [...modified].filter((p) => p.startsWith(`${group.path}.`)).length
    const invalid = touches(group.path, Object.keys(problems))
    // A group with a problem opens by itself: the message must be seen.
    const open = invalid || !collapsed.includes(group.path)
    return (
      <details
        key={group.path}
        className="form-group"
        open={open}
        data-group={group.path}
        onToggle={(e) => {
          const isOpen = (e.currentTarget as HTMLDetailsElement).open
          if (isOpen !== open) toggle(group.path, isOpen)
        }}
      >
        <summary title={group.description}>
          <span className="group-label">{group.label}</span>
          {changed > 0 && <span className="badge badge-modified">{changed} modified</span>}
          {invalid && <span className="badge badge-bad">invalid</span>}
          {group.description && <span className="group-description">{group.description}</span>}
        </summary>
        <div className="group-body">
          {fieldsIn(group.path).map((field) => renderField(field))}
          {groupsIn(group.path).map(renderGroup)}
        </div>
      </details>
    )
  }

  const renderField = (field: FormField) => (
    <FieldInput
      key={field.path}
      field={field}
      text={edits[field.path] ?? formatValue(field, valueAt(base, field.path))}
      presetText={formatValue(field, valueAt(base, field.path))}
      modified={modified.has(field.path)}
      problems={problems[field.path]}
      onEdit={(text) => onEdit(field.path, text)}
    />
  )

  return (
    <div className="param-form">
      <div className="group-body top-level">{fieldsIn('').map(renderField)}</div>
      {groupsIn('').map(renderGroup)}
    </div>
  )
}

interface FieldInputProps {
  field: FormField
  text: string
  presetText: string
  modified: boolean
  problems: string[] | undefined
  /** null resets the input to the preset. */
  onEdit(text: string | null): void
}

function FieldInput({ field, text, presetText, modified, problems, onEdit }: FieldInputProps) {
  const invalid = !!problems?.length
  const id = `field-${field.path}`
  const hint = [field.description, rangeText(field)].filter(Boolean).join(' · ')
  const className = ['param', modified ? 'modified' : '', invalid ? 'invalid' : '', field.kind === 'json' || field.kind === 'enum' || field.kind === 'text' ? 'param-wide' : ''].filter(Boolean).join(' ')
  let input
  switch (field.kind) {
    case 'enum':
      input = (
        <select id={id} name={field.path} value={text} aria-invalid={invalid} onChange={(e) => onEdit(e.target.value)}>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      )
      break
    case 'boolean':
      input = (
        <label className="toggle">
          <input id={id} type="checkbox" name={field.path} checked={text === 'true'} onChange={(e) => onEdit(String(e.target.checked))} />
          <span>{text === 'true' ? 'on' : 'off'}</span>
        </label>
      )
      break
    default:
      input = (
        <input
          id={id}
          name={field.path}
          className={field.kind === 'number' ? 'num-input' : undefined}
          inputMode={field.kind === 'number' ? 'decimal' : undefined}
          spellCheck={false}
          autoComplete="off"
          value={text}
          placeholder={field.kind === 'number' && field.nullable ? 'none' : undefined}
          aria-invalid={invalid}
          aria-describedby={`${id}-hint`}
          onChange={(e) => onEdit(e.target.value)}
        />
      )
  }
  return (
    <div className={className} data-field={field.path}>
      <label className="param-label" htmlFor={id} title={field.path}>
        {modified && <i className="modified-dot" aria-label="modified" />}
        {field.label}
        {field.unit && <span className="unit">{field.unit}</span>}
      </label>
      {input}
      <button
        type="button"
        className="icon-button reset"
        disabled={!modified && !invalid}
        onClick={() => onEdit(null)}
        title={`Reset to the preset's value (${presetText === '' ? 'none' : presetText})`}
        aria-label={`Reset ${field.label}`}
      >
        ↺
      </button>
      <span className="param-hint" id={`${id}-hint`} role={invalid ? 'alert' : undefined}>
        {invalid ? problems!.join('; ') : hint}
      </span>
    </div>
  )
}
