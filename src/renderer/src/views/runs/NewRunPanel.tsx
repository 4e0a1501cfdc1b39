import { useState } from 'react'
import type { FieldIssue, LabInfo, RunSpec } from '../../../../shared/contract'
import { LabRunForm } from './LabRunForm'
import { NewRunForm } from './NewRunForm'

type Tab = 'lab' | 'walk'

export interface NewRunPanelProps {
  labs: LabInfo[]
  onSubmit(spec: RunSpec): Promise<FieldIssue[] | null>
}

export function NewRunPanel({ labs, onSubmit }: NewRunPanelProps) {
  const [tab, setTab] = useState<Tab>('walk')
  return (
    <section className="panel" aria-label="New run">
      <header className="panel-title">
        <span>New run</span>
        <span className="tabs" role="tablist">
          <button type="button" role="tab" aria-selected={tab === 'walk'} className={tab === 'walk' ? 'tab active' : 'tab'} onClick={() => setTab('walk')}>
            random walk
          </button>
          <button type="button" role="tab" aria-selected={tab === 'lab'} className={tab === 'lab' ? 'tab active' : 'tab'} onClick={() => setTab('lab')}>
            lab
          </button>
        </span>
      </header>
      {tab === 'walk' ? <NewRunForm busy={false} onSubmit={onSubmit} /> : <LabRunForm labs={labs} onSubmit={onSubmit} />}
    </section>
  )
}
