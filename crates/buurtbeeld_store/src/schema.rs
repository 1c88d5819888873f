//! Versioned schema migrations of the store. Append new migrations; never edit an applied one.

use rusqlite_migration::{Migrations, M};

/// Migration 1, the statistics: imports, areas, categories, themes, incident codes, population,
/// series and their revisions.
const STATISTICS: &str = r#"
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    file         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    table_id     TEXT NOT NULL,
    release      TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    rows         INTEGER NOT NULL,
    checksum     TEXT NOT NULL,
    summary      TEXT NOT NULL
);
CREATE INDEX imports_checksum ON imports (checksum);

CREATE TABLE areas (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('land', 'gemeente', 'wijk', 'buurt')),
    parent        TEXT,
    indeling_year INTEGER,
    geometry      TEXT,
    import_id     INTEGER NOT NULL REFERENCES imports (id)
);
CREATE INDEX areas_parent ON areas (parent);

CREATE TABLE categories (
    code        TEXT PRIMARY KEY,
    label       TEXT NOT NULL,
    parent      TEXT,
    description TEXT NOT NULL,
    import_id   INTEGER NOT NULL REFERENCES imports (id)
);

CREATE TABLE themes (
    id            TEXT PRIMARY KEY,
    position      INTEGER NOT NULL,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL,
    bbv_indicator TEXT,
    import_id     INTEGER NOT NULL REFERENCES imports (id)
);
CREATE TABLE theme_categories (
    theme_id TEXT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    PRIMARY KEY (theme_id, category)
);

CREATE TABLE incident_codes (
    incident_code TEXT PRIMARY KEY,
    label         TEXT NOT NULL,
    category      TEXT NOT NULL,
    import_id     INTEGER NOT NULL REFERENCES imports (id)
);

CREATE TABLE population (
    area        TEXT NOT NULL,
    year        INTEGER NOT NULL,
    inhabitants INTEGER,
    source      TEXT NOT NULL,
    import_id   INTEGER NOT NULL REFERENCES imports (id),
    PRIMARY KEY (area, year)
);

-- One row per (source table, area, category, frequency). `cells` holds little-endian i32 per
-- period from `first_period` on: >= 0 a count, -1 withheld, -2 not published. `import_id` is
-- the import that said every cell unless `cell_imports` (u32 per cell) says otherwise.
CREATE TABLE series (
    id           INTEGER PRIMARY KEY,
    source       TEXT NOT NULL,
    area         TEXT NOT NULL,
    category     TEXT NOT NULL,
    frequency    TEXT NOT NULL CHECK (frequency IN ('month', 'year')),
    first_period INTEGER NOT NULL,
    cells        BLOB NOT NULL,
    import_id    INTEGER NOT NULL REFERENCES imports (id),
    cell_imports BLOB
);
CREATE UNIQUE INDEX series_key ON series (source, area, category, frequency);
CREATE INDEX series_area ON series (area);

-- What an earlier release said about a cell that a later release changed.
CREATE TABLE revisions (
    source     TEXT NOT NULL,
    area       TEXT NOT NULL,
    category   TEXT NOT NULL,
    frequency  TEXT NOT NULL,
    period     INTEGER NOT NULL,
    old_value  INTEGER,
    old_import INTEGER NOT NULL REFERENCES imports (id),
    new_import INTEGER NOT NULL REFERENCES imports (id)
);
"#;

/// Migration 2, the safety plan: every imported version of a plan, a year's action points or a
/// year's budget, as JSON of the cube types; the newest per key is current.
const PLAN_DOCUMENTS: &str = r#"
ALTER TABLE imports ADD COLUMN imported_by TEXT NOT NULL DEFAULT '';
CREATE TABLE plan_documents (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('plan', 'actions', 'budget')),
    plan_id    TEXT NOT NULL,
    -- 0 for the plan itself.
    year       INTEGER NOT NULL,
    body       TEXT NOT NULL,
    import_id  INTEGER NOT NULL REFERENCES imports (id)
);
CREATE INDEX plan_documents_key ON plan_documents (kind, plan_id, year, id);
"#;

/// Migration 3: interventions are versioned documents too (keyed by their own id in `plan_id`).
/// SQLite cannot change a CHECK constraint, so the table is rebuilt with its rows.
const INTERVENTION_DOCUMENTS: &str = r#"
CREATE TABLE plan_documents_new (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('plan', 'actions', 'budget', 'intervention')),
    plan_id    TEXT NOT NULL,
    -- 0 for the plan itself and for an intervention.
    year       INTEGER NOT NULL,
    body       TEXT NOT NULL,
    import_id  INTEGER NOT NULL REFERENCES imports (id)
);
INSERT INTO plan_documents_new SELECT id, kind, plan_id, year, body, import_id FROM plan_documents;
DROP TABLE plan_documents;
ALTER TABLE plan_documents_new RENAME TO plan_documents;
CREATE INDEX plan_documents_key ON plan_documents (kind, plan_id, year, id);
"#;

/// Migration 4, accounts: users with their role, sessions (only a hash of each session's token
/// is kept, so a copy of the store opens no session), the append-only audit log, and which
/// plans the beheerder made public.
const ACCOUNTS: &str = r#"
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('lezer', 'analist', 'beheerder')),
    -- An argon2id PHC string; NULL for an account that signs in through OpenID Connect only.
    password_hash TEXT,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash  BLOB PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    csrf_token  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL
);
CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

CREATE TABLE public_plans (
    plan_id    TEXT PRIMARY KEY,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
"#;

/// Migration 5, every indeling kept with its year: `areas` holds the latest boundary per code,
/// so a code that CBS reused with a new boundary lost the old one, and a series located with the
/// old boundary could no longer be put on a new indeling. Every boundary import also writes here;
/// existing boundaries are carried over.
const AREA_BOUNDARIES: &str = r#"
CREATE TABLE area_boundaries (
    code          TEXT NOT NULL,
    indeling_year INTEGER NOT NULL,
    level         TEXT NOT NULL CHECK (level IN ('land', 'gemeente', 'wijk', 'buurt')),
    name          TEXT NOT NULL,
    parent        TEXT,
    geometry      TEXT NOT NULL,
    import_id     INTEGER NOT NULL REFERENCES imports (id),
    PRIMARY KEY (code, indeling_year)
);
CREATE INDEX area_boundaries_indeling ON area_boundaries (indeling_year, level);
INSERT INTO area_boundaries (code, indeling_year, level, name, parent, geometry, import_id)
    SELECT code, indeling_year, level, name, parent, geometry, import_id FROM areas
    WHERE indeling_year IS NOT NULL AND geometry IS NOT NULL;
"#;

/// Migration 6, the municipality's own registrations at point level: sources (BVH, enforcement,
/// resident reports), their categories, the registrations themselves (day, buurt, RD New point,
/// never a person), and which source categories each theme holds.
const INCIDENTS: &str = r#"
CREATE TABLE incident_sources (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('politie', 'handhaving', 'meldingen', 'overig')),
    name      TEXT NOT NULL,
    import_id INTEGER NOT NULL REFERENCES imports (id)
);
CREATE TABLE source_categories (
    source    TEXT NOT NULL,
    code      TEXT NOT NULL,
    label     TEXT NOT NULL,
    main      TEXT,
    import_id INTEGER NOT NULL REFERENCES imports (id),
    PRIMARY KEY (source, code)
);
-- `day` counts days since 1970-01-01; x and y are RD New metres, NULL when only the buurt is
-- known. `external_id` is the source's own record number: a later export replaces the record.
CREATE TABLE incidents (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    category    TEXT NOT NULL,
    day         INTEGER NOT NULL,
    area        TEXT NOT NULL,
    x           REAL,
    y           REAL,
    external_id TEXT,
    import_id   INTEGER NOT NULL REFERENCES imports (id)
);
CREATE INDEX incidents_source_category ON incidents (source, category, day);
CREATE INDEX incidents_area ON incidents (area, source);
CREATE UNIQUE INDEX incidents_external_id ON incidents (source, external_id)
    WHERE external_id IS NOT NULL;
CREATE TABLE theme_source_categories (
    theme_id TEXT NOT NULL REFERENCES themes (id) ON DELETE CASCADE,
    source   TEXT NOT NULL,
    category TEXT NOT NULL,
    PRIMARY KEY (theme_id, source, category)
);
"#;

/// Every migration, in the order they are applied.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(all())
}

/// How many migrations this version knows: a store with a higher `user_version` was written by
/// a newer buurtbeeld.
pub(crate) fn migrations_count() -> usize {
    all().len()
}

fn all() -> Vec<M<'static>> {
    vec![
        M::up(STATISTICS),
        M::up(PLAN_DOCUMENTS),
        M::up(INTERVENTION_DOCUMENTS),
        M::up(ACCOUNTS),
        M::up(AREA_BOUNDARIES),
        M::up(INCIDENTS),
    ]
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
