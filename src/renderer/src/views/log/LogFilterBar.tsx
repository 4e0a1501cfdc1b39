import type { RefObject } from 'react'
import type { StepLogNames } from '../../../../shared/contract'
import { regimeColour } from './log-format'

export interface LogFilterState {
  actions: string[]
  regimes: string[]
  sources: string[]
  constraintHit: boolean
  text: string
}

type ListKey = 'actions' | 'regimes' | 'sources'

/** Chips toggle a value in or out; none chosen in a group means the group does not filter. */
function ChipGroup({ label, values, chosen, colour, onToggle }: { label: string; values: string[]; chosen: string[]; colour?: (i: number) => string; onToggle(value: string): void }) {
  return (
    <div className="chip-group" role="group" aria-label={label}>
      <span className="chip-label">{label}</span>
      {values.map((v, i) => {
        const on = chosen.includes(v)
        return (
          <button
            key={v}
            type="button"
            className={`chip${on ? ' on' : ''}`}
            aria-pressed={on}
            style={colour && on ? { borderColor: colour(i), color: colour(i) } : undefined}
            onClick={() => onToggle(v)}
          >
            {v}
          </button>
        )
      })}
    </div>
  )
}

export function LogFilterBar({
  names,
  filter,
  text,
  searchRef,
  onText,
  onChange
}: {
  names: StepLogNames
  filter: LogFilterState
  text: string
  searchRef: RefObject<HTMLInputElement | null>
  onText(text: string): void
  onChange(update: (f: LogFilterState) => LogFilterState): void
}) {
  const toggle = (key: ListKey) => (value: string) =>
    onChange((f) => ({ ...f, [key]: f[key].includes(value) ? f[key].filter((v) => v !== value) : [...f[key], value] }))
  const any = filter.actions.length + filter.regimes.length + filter.sources.length > 0 || filter.constraintHit || text !== ''
  return (
    <div className="log-filters" data-testid="log-filters">
      <ChipGroup label="action" values={names.actions} chosen={filter.actions} onToggle={toggle('actions')} />
      <ChipGroup label="regime" values={names.regimes} chosen={filter.regimes} colour={regimeColour} onToggle={toggle('regimes')} />
      <ChipGroup label="source" values={names.sources} chosen={filter.sources} onToggle={toggle('sources')} />
      <button
        type="button"
        className={`chip constraint${filter.constraintHit ? ' on' : ''}`}
        aria-pressed={filter.constraintHit}
        onClick={() => onChange((f) => ({ ...f, constraintHit: !f.constraintHit }))}
        title="Only steps where the risk gate intervened"
      >
        ⚑ constraint hits only
      </button>
      <label className="log-search">
        <input
          ref={searchRef}
          type="search"
          value={text}
          placeholder="search rationale, action, constraint…"
          aria-label="Search the decision log"
          onChange={(e) => onText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              onText('')
              e.currentTarget.blur()
            }
          }}
        />
        <kbd>/</kbd>
      </label>
      {any && (
        <button
          type="button"
          className="chip clear"
          onClick={() => {
            onText('')
            onChange(() => ({ actions: [], regimes: [], sources: [], constraintHit: false, text: '' }))
          }}
        >
          clear
        </button>
      )}
    </div>
  )
}
