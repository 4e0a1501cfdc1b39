import { useEffect, useMemo, useRef, useState } from 'react'
import { filterCommands } from './palette-filter'
import type { Command } from './workspace'

export interface CommandPaletteProps {
  commands: Command[]
  onClose(): void
}

/** Ctrl/Cmd+K: type to filter every command the shell and the open views offer; ↑/↓, Enter, Esc. */
export function CommandPalette({ commands, onClose }: CommandPaletteProps) {
  const [query, setQuery] = useState('')
  const [index, setIndex] = useState(0)
  const list = useRef<HTMLUListElement>(null)
  const matches = useMemo(() => filterCommands(commands, query), [commands, query])
  const current = Math.min(index, Math.max(0, matches.length - 1))

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [current])

  const run = (command: Command | undefined): void => {
    if (!command) return
    onClose()
    command.run()
  }

  return (
    <div className="overlay" onMouseDown={onClose}>
      <div className="palette" role="dialog" aria-label="Command palette" onMouseDown={(e) => e.stopPropagation()}>
        <input
          autoFocus
          className="palette-input"
          placeholder="Type a command: a view, a lab to run, a run to cancel…"
          value={query}
          aria-label="Command"
          aria-controls="palette-list"
          aria-activedescendant={matches[current] ? `palette-${matches[current].id}` : undefined}
          onChange={(e) => {
            setQuery(e.target.value)
            setIndex(0)
          }}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') setIndex((current + 1) % Math.max(1, matches.length))
            else if (e.key === 'ArrowUp') setIndex((current - 1 + matches.length) % Math.max(1, matches.length))
            else if (e.key === 'Enter') run(matches[current])
            else if (e.key === 'Escape') onClose()
            else return
            e.preventDefault()
            e.stopPropagation()
          }}
        />
        <ul className="palette-list" id="palette-list" role="listbox" ref={list}>
          {matches.map((command, i) => (
            <li
              key={command.id}
              id={`palette-${command.id}`}
              role="option"
              aria-selected={i === current}
              className={i === current ? 'active' : undefined}
              onMouseMove={() => i !== current && setIndex(i)}
              onClick={() => run(command)}
            >
              <span className="palette-title">{command.title}</span>
              <span className="palette-group">{command.group}</span>
              {command.shortcut && <kbd>{command.shortcut}</kbd>}
            </li>
          ))}
          {matches.length === 0 && <li className="palette-empty">No command matches “{query}”.</li>}
        </ul>
      </div>
    </div>
  )
}

export interface ShortcutSheetProps {
  commands: Command[]
  onClose(): void
}

/** Fixed keys of the shell, then every command that has a shortcut. */
const SHELL_KEYS: Array<[string, string]> = [
  ['Ctrl/⌘+K', 'Command palette'],
  ['?', 'This sheet'],
  ['Esc', 'Close a dialog; cancel the explorer’s run'],
  ['Ctrl+Enter', 'Run the explorer’s configuration'],
  ['↑ / ↓', 'Move through the runs list'],
  ['Space', 'Tick the selected run for comparison (runs list)']
]

export function ShortcutSheet({ commands, onClose }: ShortcutSheetProps) {
  const bound = commands.filter((c) => c.shortcut)
  return (
    <div className="overlay" onMouseDown={onClose}>
      <div className="sheet" role="dialog" aria-label="Keyboard shortcuts" onMouseDown={(e) => e.stopPropagation()}>
        <header className="panel-title">
          <span>Keyboard shortcuts</span>
          <button type="button" className="icon-button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <dl className="shortcut-list">
          {[...SHELL_KEYS, ...bound.map((c): [string, string] => [c.shortcut!, c.title])].map(([key, what]) => (
            <div key={`${key}-${what}`}>
              <dt>
                <kbd>{key}</kbd>
              </dt>
              <dd>{what}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  )
}
