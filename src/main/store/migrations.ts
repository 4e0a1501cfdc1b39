/**
 * Schema history. Append only: a released migration is never edited, a new one is added.
 * Each runs in its own transaction and bumps PRAGMA user_version.
 */
import type { Db } from './database'
import { conflateStoredSeries } from './series-migration'
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
  },
  {
    version: 4,
    name: 'sweeps (a grid or seed ensemble whose cells are ordinary runs); events by step',
    // A cell's run is a normal row of runs; its metrics are read from run_results, not copied.
    sql: `
      CREATE TABLE sweeps (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        lab         TEXT    NOT NULL,
        preset      TEXT    NOT NULL,
        spec_json   TEXT    NOT NULL,
        status      TEXT    NOT NULL
                    CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
        created_at  TEXT    NOT NULL,
        finished_at TEXT,
        cells       INTEGER NOT NULL
      );
      CREATE TABLE sweep_cells (
        sweep_id     INTEGER NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
        cell         INTEGER NOT NULL,
        label        TEXT    NOT NULL,
        seed         INTEGER,
        changes_json TEXT    NOT NULL,
        coords_json  TEXT    NOT NULL,
        run_id       INTEGER REFERENCES runs (id) ON DELETE SET NULL,
        error        TEXT,
        PRIMARY KEY (sweep_id, cell)
      ) WITHOUT ROWID;
      CREATE INDEX sweep_cells_by_run ON sweep_cells (run_id);
      -- A page of the decision log reads the events of its steps only.
      CREATE INDEX run_events_by_step ON run_events (run_id, t);
    `
  },
  {
    version: 5,
    name: 'hash-chained decision log and append-only reviews',
    // Runs written before v5 keep no links and verify as "unchained"; nothing is rewritten.
    sql: `
      ALTER TABLE runs ADD COLUMN chain_head TEXT;
      ALTER TABLE run_events ADD COLUMN link BLOB;
      CREATE TABLE run_reviews (
        run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        reviewer TEXT    NOT NULL,
        at       TEXT    NOT NULL,
        verdict  TEXT    NOT NULL CHECK (verdict IN ('sign-off', 'findings')),
        notes    TEXT    NOT NULL,
        link     BLOB    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      -- Reviews are append-only: the store itself refuses to edit or delete one.
      CREATE TRIGGER run_reviews_no_update BEFORE UPDATE ON run_reviews
        BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
      CREATE TRIGGER run_reviews_no_delete BEFORE DELETE ON run_reviews
        WHEN (SELECT count(*) FROM runs WHERE id = OLD.run_id) > 0
        BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
    `
  },
  {
    version: 6,
    name: 'memo narrative edits (append-only history per run)',
    // The current text of a field is its latest edit; earlier edits stay as the memo's history.
    sql: `
      CREATE TABLE run_memos (
        run_id   INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq      INTEGER NOT NULL,
        field    TEXT    NOT NULL,
        text     TEXT    NOT NULL,
        saved_at TEXT    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX run_memos_by_field ON run_memos (run_id, field, seq);
      CREATE TRIGGER run_memos_no_update BEFORE UPDATE ON run_memos
        BEGIN SELECT RAISE(ABORT, 'memo edits are append-only'); END;
      CREATE TRIGGER run_memos_no_delete BEFORE DELETE ON run_memos
        WHEN (SELECT count(*) FROM runs WHERE id = OLD.run_id) > 0
        BEGIN SELECT RAISE(ABORT, 'memo edits are append-only'); END;
    `
  },
  {
    version: 7,
    name: 'chart series stored conflated',
    // The engine now folds a lab run's chart series while it runs, conflated to at most
    // STREAM_MAX_BUCKETS buckets (two points each); stored per-step series are conflated alike.
    sql: '',
    convert: conflateStoredSeries
  },
  {
    version: 8,
    name: 'sweeps run through a Redis queue, and their results by job id',
    // The coordinator is the one writer: a cell's row is keyed by its job id, so a job that a
    // second worker ran again (a killed worker, a Redis restart) can never leave two rows.
    sql: `
      CREATE TABLE queued_sweeps (
        id          TEXT    PRIMARY KEY,
        lab         TEXT    NOT NULL,
        preset      TEXT    NOT NULL,
        queue       TEXT    NOT NULL,
        plan_json   TEXT    NOT NULL,
        code_version TEXT   NOT NULL,
        status      TEXT    NOT NULL
                    CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
        created_at  TEXT    NOT NULL,
        finished_at TEXT,
        cells       INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE queued_results (
        job_id       TEXT    PRIMARY KEY,
        sweep_id     TEXT    NOT NULL REFERENCES queued_sweeps (id) ON DELETE CASCADE,
        cell         INTEGER NOT NULL,
        ok           INTEGER NOT NULL,
        results_hash TEXT,
        summary_json TEXT,
        error        TEXT,
        worker       TEXT,
        attempts     INTEGER NOT NULL,
        step_log     BLOB,
        written_at   TEXT    NOT NULL,
        UNIQUE (sweep_id, cell)
      ) WITHOUT ROWID;
    `
  },
  {
    version: 9,
    name: 'agent calls: prompt, reply and verdict per agent step, hash-chained',
    // One row per question the book's agent was asked: the call as JSON (prompt, raw reply,
    // validity, fallback reason, decision, latency, tokens) and its link in the run's chain of
    // calls, whose head the manifest records. Append-only, like the memo's edits.
    sql: `
      CREATE TABLE agent_calls (
        run_id    INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        seq       INTEGER NOT NULL,
        t         INTEGER NOT NULL,
        call_json TEXT    NOT NULL,
        link      BLOB    NOT NULL,
        PRIMARY KEY (run_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX agent_calls_by_step ON agent_calls (run_id, t);
      CREATE TRIGGER agent_calls_no_update BEFORE UPDATE ON agent_calls
        BEGIN SELECT RAISE(ABORT, 'agent calls are append-only'); END;
      CREATE TRIGGER agent_calls_no_delete BEFORE DELETE ON agent_calls
        WHEN (SELECT count(*) FROM runs WHERE id = OLD.run_id) > 0
        BEGIN SELECT RAISE(ABORT, 'agent calls are append-only'); END;
    `
  },
  {
    version: 10,
    name: 'portfolios of stored runs, hash-chained',
    // A portfolio is its spec and its members' results hashes and chain heads (members_json);
    // its hash covers both, its results hash the book simulated from them, and its link chains
    // it to the portfolio before, so a portfolio edited, removed or slipped in breaks the chain.
    sql: `
      CREATE TABLE portfolios (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        name         TEXT    NOT NULL,
        spec_json    TEXT    NOT NULL,
        members_json TEXT    NOT NULL,
        hash         TEXT    NOT NULL,
        results_hash TEXT    NOT NULL,
        summary_json TEXT    NOT NULL,
        created_at   TEXT    NOT NULL,
        link         BLOB    NOT NULL
      );
      CREATE TRIGGER portfolios_no_update BEFORE UPDATE ON portfolios
        BEGIN SELECT RAISE(ABORT, 'portfolios are append-only'); END;
      CREATE TRIGGER portfolios_no_delete BEFORE DELETE ON portfolios
        BEGIN SELECT RAISE(ABORT, 'portfolios are append-only'); END;
    `
  },
  {
    version: 11,
    name: "a portfolio's log: constraint events, stress and walk-forward, hash-chained",
    // Each entry links the one before it in the same portfolio's log, the first the portfolio's
    // own link, so the log chains onto the chain of portfolios; body_json keeps a stress or
    // walk-forward report whole. request_hash lets the same request be logged once.
    sql: `
      CREATE TABLE portfolio_log (
        portfolio_id INTEGER NOT NULL REFERENCES portfolios(id),
        seq          INTEGER NOT NULL,
        kind         TEXT    NOT NULL CHECK (kind IN ('constraint_event', 'stress', 'walk_forward')),
        request_hash TEXT    NOT NULL,
        t            INTEGER,
        rule         TEXT,
        action       TEXT,
        message      TEXT    NOT NULL,
        before_json  TEXT,
        after_json   TEXT,
        body_json    TEXT,
        created_at   TEXT    NOT NULL,
        link         BLOB    NOT NULL,
        PRIMARY KEY (portfolio_id, seq)
      ) WITHOUT ROWID;
      CREATE INDEX portfolio_log_request ON portfolio_log (portfolio_id, request_hash);
      CREATE TRIGGER portfolio_log_no_update BEFORE UPDATE ON portfolio_log
        BEGIN SELECT RAISE(ABORT, 'a portfolio log is append-only'); END;
      CREATE TRIGGER portfolio_log_no_delete BEFORE DELETE ON portfolio_log
        BEGIN SELECT RAISE(ABORT, 'a portfolio log is append-only'); END;
    `
  },
  {
    version: 12,
    name: "a portfolio's log: limit checks that find no breach are logged too",
    // SQLite cannot widen a CHECK in place: the log is copied row for row (links untouched, so
    // the chain verifies as before) into a table whose kind also admits 'check', the entry a
    // limit check writes whether or not a limit binds. Dropping the old table fires no
    // delete trigger; its triggers go with it and are made again on the new one.
    sql: `
      CREATE TABLE portfolio_log_v12 (
        portfolio_id INTEGER NOT NULL REFERENCES portfolios(id),
        seq          INTEGER NOT NULL,
        kind         TEXT    NOT NULL CHECK (kind IN ('constraint_event', 'stress', 'walk_forward', 'check')),
        request_hash TEXT    NOT NULL,
        t            INTEGER,
        rule         TEXT,
        action       TEXT,
        message      TEXT    NOT NULL,
        before_json  TEXT,
        after_json   TEXT,
        body_json    TEXT,
        created_at   TEXT    NOT NULL,
        link         BLOB    NOT NULL,
        PRIMARY KEY (portfolio_id, seq)
      ) WITHOUT ROWID;
      INSERT INTO portfolio_log_v12 SELECT portfolio_id, seq, kind, request_hash, t, rule, action, message, before_json, after_json, body_json, created_at, link FROM portfolio_log;
      DROP TABLE portfolio_log;
      ALTER TABLE portfolio_log_v12 RENAME TO portfolio_log;
      CREATE INDEX portfolio_log_request ON portfolio_log (portfolio_id, request_hash);
      CREATE TRIGGER portfolio_log_no_update BEFORE UPDATE ON portfolio_log
        BEGIN SELECT RAISE(ABORT, 'a portfolio log is append-only'); END;
      CREATE TRIGGER portfolio_log_no_delete BEFORE DELETE ON portfolio_log
        BEGIN SELECT RAISE(ABORT, 'a portfolio log is append-only'); END;
    `
  }
]

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]?.version ?? 0
