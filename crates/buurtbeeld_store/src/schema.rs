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

/// Every migration, in the order they are applied.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(STATISTICS),
        M::up(PLAN_DOCUMENTS),
        M::up(INTERVENTION_DOCUMENTS),
    ])
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_are_valid() {
        assert!(super::migrations().validate().is_ok());
    }
}
