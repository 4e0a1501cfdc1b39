/**
 * Schema history. Append only: a released migration is never edited, a new one is added.
 * Each runs in its own transaction and bumps PRAGMA user_version.
 */
export interface Migration {
  version: number
  name: string
  sql: string
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runs and their results',
    sql: `
      CREATE TABLE runs (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        task           TEXT    NOT NULL,
        spec_json      TEXT    NOT NULL,
        config_hash    TEXT    NOT NULL,
        code_version   TEXT    NOT NULL,
        seed           INTEGER NOT NULL,
        status         TEXT    NOT NULL
                       CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
        created_at     TEXT    NOT NULL,
        started_at     TEXT,
        finished_at    TEXT,
        progress_done  INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL,
        results_hash   TEXT,
        error          TEXT
      );
      CREATE INDEX runs_by_status ON runs (status, id);
      CREATE INDEX runs_by_config ON runs (config_hash);

      CREATE TABLE run_results (
        run_id       INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        summary_json TEXT    NOT NULL,
        path_stride  INTEGER NOT NULL,
        path         BLOB    NOT NULL
      );
    `
  }
]

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0
