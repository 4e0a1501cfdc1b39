/**
 * Schema history. Append only: a released migration is never edited, a new one is added.
 * Each runs in its own transaction and bumps PRAGMA user_version.
 */
import type { Db } from './database'
import { convertStepRowsToChunks } from './step-log-migration'

export interface Migration {
  version: number
  name: string
  sql: string
  /** Data conversion that SQL cannot express, run after `sql` in the same transaction. */
  convert?: (db: Db) => void
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
  },
  {
    version: 2,
    name: 'results of any task, named series, step records and constraint events',
    // v1 results (random walks) are carried over: the path becomes the series "path".
    sql: `
      CREATE TABLE run_series (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        name   TEXT    NOT NULL,
        data   BLOB    NOT NULL,
        PRIMARY KEY (run_id, name)
      );
      INSERT INTO run_series (run_id, name, data) SELECT run_id, 'path', path FROM run_results;

      CREATE TABLE run_results_v2 (
        run_id       INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        kind         TEXT    NOT NULL,
        results_json TEXT    NOT NULL
      );
      INSERT INTO run_results_v2 (run_id, kind, results_json)
        SELECT run_id, 'random-walk',
               json_object('kind', 'random-walk', 'summary', json(summary_json), 'pathStride', path_stride,
                           'path', json_object('$series', 'path'))
        FROM run_results;
      DROP TABLE run_results;
      ALTER TABLE run_results_v2 RENAME TO run_results;

      CREATE TABLE run_steps (
        run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        t             INTEGER NOT NULL,
        regime        TEXT    NOT NULL,
        action        TEXT    NOT NULL,
        source        TEXT    NOT NULL,
        rationale     TEXT    NOT NULL,
        position_json TEXT    NOT NULL,
        trade_json    TEXT    NOT NULL,
        costs_json    TEXT    NOT NULL,
        pnl_json      TEXT    NOT NULL,
        cost          REAL    NOT NULL,
        net_pnl       REAL    NOT NULL,
        equity        REAL    NOT NULL,
        drawdown      REAL    NOT NULL,
        leverage      REAL    NOT NULL,
        PRIMARY KEY (run_id, t)
      ) WITHOUT ROWID;

      CREATE TABLE run_events (
        run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,
        t           INTEGER NOT NULL,
        rule        TEXT    NOT NULL,
        message     TEXT    NOT NULL,
        before_json TEXT    NOT NULL,
        after_json  TEXT    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX run_events_by_rule ON run_events (run_id, rule);
    `
  },
  {
    version: 3,
    name: 'decision log as columnar chunks',
    // A row per step cost ~4 µs to write; chunks of typed-array columns cost a memcpy.
    sql: `
      CREATE TABLE run_step_log (
        run_id    INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        steps     INTEGER NOT NULL,
        meta_json TEXT    NOT NULL
      );
      CREATE TABLE run_step_chunks (
        run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        chunk  INTEGER NOT NULL,
        t0     INTEGER NOT NULL,
        n      INTEGER NOT NULL,
        name   TEXT    NOT NULL,
        data   BLOB    NOT NULL,
        PRIMARY KEY (run_id, chunk, name)
      ) WITHOUT ROWID;
    `,
    convert: convertStepRowsToChunks
  }
]

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0
