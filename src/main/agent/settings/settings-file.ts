import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { AgentSettings } from '../../../shared/contract/agent-settings'

/** Where the workstation keeps its agent settings: beside its database, one file per database. */
export function agentSettingsPathFor(databasePath: string): string {
  return join(dirname(resolve(databasePath)), 'agent-settings.json')
}

/**
 * The agent settings as saved by the workstation: a small JSON file, validated on the way in and
 * the way out. A missing file is the defaults (no model: the rule baseline decides); a file that
 * no longer parses is reported once and read as the defaults, never half-applied. A save writes a
 * temporary file and renames it over the old one, so a crash leaves the old or the new settings.
 */
export class AgentSettingsFile {
  constructor(
    readonly path: string,
    private readonly warn: (message: string) => void = (m) => console.warn(m)
  ) {}

  read(): AgentSettings {
    if (!existsSync(this.path)) return AgentSettings.parse({})
    try {
      const parsed = AgentSettings.safeParse(JSON.parse(readFileSync(this.path, 'utf8')))
      if (parsed.success) return parsed.data
      this.warn(`mechanica: ${this.path}: ${parsed.error.issues[0]?.path.join('.') ?? 'settings'} ${parsed.error.issues[0]?.message ?? 'is invalid'}; using the defaults`)
    } catch (error) {
      this.warn(`mechanica: ${this.path} is not readable JSON (${(error as Error).message}); using the defaults`)
    }
    return AgentSettings.parse({})
  }

  /** Saves settings that already passed the contract's schema (the router checked them). */
  save(settings: AgentSettings): AgentSettings {
    const checked = AgentSettings.parse(settings)
    const temporary = `${this.path}.tmp`
    writeFileSync(temporary, `${JSON.stringify(checked, null, 2)}\n`, { mode: 0o600 })
    renameSync(temporary, this.path)
    return checked
  }
}
