//! The plan file (TOML, `[plan]`): a safety plan's themes, goals with KPIs and changes.

use std::collections::BTreeSet;

use buurtbeeld_cube::{
    AreaCode, ChangeKind, Direction, Goal, ImportBatch, KpiMeasure, Plan, PlanChange, PlanTheme,
};
use serde::Deserialize;
use toml::value::Datetime;
use toml::Spanned;

use crate::codelists::code_lists;
use crate::problem::{ImportError, Problems};
use crate::{text, Context, Input, ReadOptions};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanFile {
    plan: Header,
    #[serde(default)]
    thema: Vec<ThemeEntry>,
    #[serde(default)]
    doel: Vec<GoalEntry>,
    #[serde(default)]
    wijziging: Vec<ChangeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    id: Spanned<String>,
    naam: String,
    gemeente: Spanned<String>,
    eerste_jaar: Spanned<i32>,
    laatste_jaar: Spanned<i32>,
    bron: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeEntry {
    id: Spanned<String>,
    naam: String,
    #[serde(default)]
    prioritair: bool,
    opgave: String,
    ambitie: String,
    #[serde(default)]
    pijlers: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoalEntry {
    id: Spanned<String>,
    thema: Spanned<String>,
    omschrijving: String,
    indicator: Spanned<String>,
    gebied: Option<Spanned<String>>,
    maat: Spanned<String>,
    basisjaar: Spanned<i32>,
    streefwaarde: Spanned<f64>,
    streefjaar: Option<Spanned<i32>>,
    richting: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeEntry {
    datum: Spanned<Datetime>,
    soort: Spanned<String>,
    onderwerp: String,
    thema: Option<Spanned<String>>,
    reden: String,
}

/// Line numbers in a TOML file, for problems about its values.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lines<'a>(&'a str);

impl Lines<'_> {
    /// The line where a value starts, as a problem names it.
    pub(crate) fn of<T>(self, value: &Spanned<T>) -> Option<u64> {
        Some(text::line_of(self.0, value.span().start))
    }
}

/// The UTF-8 TOML file parsed into `T` with its lines, or the first problem that stops reading.
pub(crate) fn read_toml<'a, T: serde::de::DeserializeOwned>(
    input: &Input<'_>,
    bytes: &'a [u8],
    expected: &str,
) -> Result<(T, Lines<'a>), ImportError> {
    let text = text::utf8(input.name, bytes)?;
    let file = parse_toml(input.name, text, expected)?;
    Ok((file, Lines(text)))
}

/// Parses TOML into `T`, or the parser's problem with its line.
fn parse_toml<T: serde::de::DeserializeOwned>(
    name: &str,
    text: &str,
    expected: &str,
) -> Result<T, ImportError> {
    toml::from_str(text).map_err(|e| {
        let message = e.message().trim_end();
        // serde names a missing key in backticks; report it as the field at fault.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        Problems::new(name).fatal(
            e.span().map(|s| text::line_of(text, s.start)),
            missing,
            format!("{}; verwacht {expected}", text::toml_message(message)),
        )
    })
}

/// A field that holds one of a few words, and what a problem says when it holds another.
pub(crate) struct Words<T> {
    pub(crate) field: &'static str,
    /// What a word of the field names, as in "'x' is geen maat".
    pub(crate) what: &'static str,
    /// The words the field takes, for "verwacht …"; a function, as some lists come from the cube.
    pub(crate) expected: fn() -> String,
    pub(crate) lookup: fn(&str) -> Option<T>,
}

impl<T> Words<T> {
    /// What `word` names, or None (with the problem recorded on its line) if nothing.
    pub(crate) fn of(
        &self,
        problems: &mut Problems,
        lines: Lines<'_>,
        word: &Spanned<String>,
    ) -> Option<T> {
        let found = (self.lookup)(word.get_ref());
        if found.is_none() {
            problems.add(
                lines.of(word),
                Some(self.field),
                format!(
                    "'{}' is geen {}; verwacht {}",
                    word.get_ref(),
                    self.what,
                    (self.expected)()
                ),
            );
        }
        found
    }
}

/// The words of a goal's `maat`.
const MAAT: Words<KpiMeasure> = Words {
    field: "maat",
    what: "maat",
    expected: || "aantal of per_1000".to_owned(),
    lookup: |word| match word {
        "aantal" => Some(KpiMeasure::Count),
        "per_1000" => Some(KpiMeasure::Per1000),
        _ => None,
    },
};

/// The words of a goal's `richting`.
const RICHTING: Words<Direction> = Words {
    field: "richting",
    what: "richting",
    expected: || "omlaag of omhoog".to_owned(),
    lookup: |word| match word {
        "omlaag" => Some(Direction::Down),
        "omhoog" => Some(Direction::Up),
        _ => None,
    },
};

/// The words of a change's `soort`.
const SOORT: Words<ChangeKind> = Words {
    field: "soort",
    what: "soort wijziging",
    expected: || "toegevoegd, vervallen of gewijzigd".to_owned(),
    lookup: |word| ChangeKind::ALL.into_iter().find(|k| k.label() == word),
};

/// The plan's own frame that goals and changes must fit: its themes, gemeente and period.
struct Frame {
    theme_ids: BTreeSet<String>,
    municipality: Option<AreaCode>,
    first_year: i32,
    last_year: i32,
}

pub(crate) fn read(
    input: &Input<'_>,
    bytes: &[u8],
    options: &ReadOptions,
    context: &Context,
) -> Result<ImportBatch, ImportError> {
    let (file, lines): (PlanFile, _) = read_toml(
        input,
        bytes,
        "een tabel [plan] (id, naam, gemeente, eerste_jaar, laatste_jaar) met tabellen [[thema]], \
         [[doel]] en [[wijziging]] (docs/plan-files.md)",
    )?;
    let mut problems = Problems::new(input.name);
    let header = &file.plan;
    let municipality = check_header(&mut problems, lines, header);
    let (themes, theme_ids) = read_themes(&mut problems, lines, file.thema);
    let frame = Frame {
        theme_ids,
        municipality,
        first_year: *header.eerste_jaar.get_ref(),
        last_year: *header.laatste_jaar.get_ref(),
    };
    let goals = read_goals(&mut problems, lines, &frame, context, file.doel);
    let changes = file
        .wijziging
        .into_iter()
        .filter_map(|entry| read_change(&mut problems, lines, &frame, entry))
        .collect();

    let Some(municipality) = frame.municipality else {
        return Err(problems.into_error());
    };
    let plan = Plan {
        id: header.id.get_ref().clone(),
        name: header.naam.clone(),
        municipality,
        first_year: frame.first_year,
        last_year: frame.last_year,
        source: header.bron.clone(),
        themes,
        goals,
        changes,
    };
    problems.finish(plan_batch(input, options, plan))
}

/// The plan's gemeente, after checking the header's id and period.
fn check_header(problems: &mut Problems, lines: Lines<'_>, header: &Header) -> Option<AreaCode> {
    check_identifier(problems, lines.of(&header.id), "id", &header.id);
    let municipality = area_code(problems, &header.gemeente, "gemeente", lines);
    let (first_year, last_year) = (
        *header.eerste_jaar.get_ref(),
        *header.laatste_jaar.get_ref(),
    );
    for (year, field) in [
        (&header.eerste_jaar, "eerste_jaar"),
        (&header.laatste_jaar, "laatste_jaar"),
    ] {
        if !(1990..=2100).contains(year.get_ref()) {
            problems.add(
                lines.of(year),
                Some(field),
                format!(
                    "{} is geen planjaar; verwacht een jaar zoals 2022",
                    year.get_ref()
                ),
            );
        }
    }
    if last_year < first_year {
        problems.add(
            lines.of(&header.laatste_jaar),
            Some("laatste_jaar"),
            format!("{last_year} ligt vóór eerste_jaar {first_year}"),
        );
    }
    municipality
}

/// The plan's themes and their ids.
fn read_themes(
    problems: &mut Problems,
    lines: Lines<'_>,
    entries: Vec<ThemeEntry>,
) -> (Vec<PlanTheme>, BTreeSet<String>) {
    let mut theme_ids = BTreeSet::new();
    let mut themes = Vec::new();
    for entry in entries {
        check_new_id(problems, lines, &mut theme_ids, &entry.id, "thema");
        themes.push(PlanTheme {
            id: entry.id.into_inner(),
            name: entry.naam,
            priority: entry.prioritair,
            opgave: entry.opgave,
            ambitie: entry.ambitie,
            pillars: entry.pijlers,
        });
    }
    if themes.is_empty() {
        problems.add(
            None,
            Some("thema"),
            "het plan heeft geen thema's; verwacht minstens één tabel [[thema]]",
        );
    }
    (themes, theme_ids)
}

/// Records an id that is no identifier, or that an earlier `what` of the file already has.
fn check_new_id(
    problems: &mut Problems,
    lines: Lines<'_>,
    ids: &mut BTreeSet<String>,
    id: &Spanned<String>,
    what: &str,
) {
    let at = lines.of(id);
    check_identifier(problems, at, "id", id);
    if !ids.insert(id.get_ref().clone()) {
        problems.add(
            at,
            Some("id"),
            format!("{what} '{}' is twee keer gedefinieerd", id.get_ref()),
        );
    }
}

/// Records a theme that is not one of the plan's own.
fn check_theme(problems: &mut Problems, lines: Lines<'_>, frame: &Frame, theme: &Spanned<String>) {
    if !frame.theme_ids.contains(theme.get_ref()) {
        problems.add(
            lines.of(theme),
            Some("thema"),
            format!(
                "onbekend thema '{}'; verwacht een van de thema's van het plan: {}",
                theme.get_ref(),
                comma_separated(&frame.theme_ids)
            ),
        );
    }
}

/// The plan's goals whose area, measure and direction are usable; problems of all are recorded.
fn read_goals(
    problems: &mut Problems,
    lines: Lines<'_>,
    frame: &Frame,
    context: &Context,
    entries: Vec<GoalEntry>,
) -> Vec<Goal> {
    let mut goal_ids = BTreeSet::new();
    let mut goals = Vec::new();
    for entry in entries {
        check_new_id(problems, lines, &mut goal_ids, &entry.id, "doel");
        check_theme(problems, lines, frame, &entry.thema);
        check_indicator(problems, lines, context, &entry.indicator);
        let area = match &entry.gebied {
            Some(code) => area_code(problems, code, "gebied", lines),
            None => frame.municipality.clone(),
        };
        let measure = MAAT.of(problems, lines, &entry.maat);
        let direction = RICHTING.of(problems, lines, &entry.richting);
        let target_year = target_year_of(problems, lines, frame, &entry);
        let target = target_of(problems, lines, &entry.streefwaarde);
        if let (Some(area), Some(measure), Some(direction), Some(target)) =
            (area, measure, direction, target)
        {
            goals.push(Goal {
                id: entry.id.into_inner(),
                theme: entry.thema.into_inner(),
                description: entry.omschrijving,
                indicator: entry.indicator.into_inner(),
                area,
                measure,
                baseline_year: entry.basisjaar.into_inner(),
                target,
                target_year,
                direction,
            });
        }
    }
    goals
}

/// The goal's target value, or None (with its problem recorded) if it is `nan` or `inf`: TOML
/// has those, but the stored plan (JSON) has no way to write them and would not read back.
fn target_of(problems: &mut Problems, lines: Lines<'_>, target: &Spanned<f64>) -> Option<f64> {
    let value = *target.get_ref();
    if !value.is_finite() {
        problems.add(
            lines.of(target),
            Some("streefwaarde"),
            format!("{value} is geen streefwaarde; verwacht een getal zoals 3300 of 16.5"),
        );
    }
    value.is_finite().then_some(value)
}

/// Records an indicator that is neither a buurtbeeld theme nor a police category.
fn check_indicator(
    problems: &mut Problems,
    lines: Lines<'_>,
    context: &Context,
    indicator: &Spanned<String>,
) {
    let code = indicator.get_ref();
    let is_category = code_lists().category(code).is_some();
    if !is_category && !context.theme_ids.contains(code) {
        problems.add(
            lines.of(indicator),
            Some("indicator"),
            format!(
                "'{code}' is geen thema van buurtbeeld en ook geen code van een politiecategorie; \
                 verwacht een van {} of een code zoals 1.1.1",
                comma_separated(&context.theme_ids)
            ),
        );
    }
}

/// The ids separated by commas; empty if there are none.
fn comma_separated(ids: &BTreeSet<String>) -> String {
    ids.iter().cloned().collect::<Vec<_>>().join(", ")
}

/// The goal's target year (the plan's last year unless it names one), after checking that it
/// lies in the plan period and does not precede the base year.
fn target_year_of(
    problems: &mut Problems,
    lines: Lines<'_>,
    frame: &Frame,
    entry: &GoalEntry,
) -> i32 {
    let (first_year, last_year) = (frame.first_year, frame.last_year);
    let target_year = entry
        .streefjaar
        .as_ref()
        .map_or(last_year, |y| *y.get_ref());
    if let Some(year) = &entry.streefjaar {
        if !(first_year..=last_year).contains(year.get_ref()) {
            problems.add(
                lines.of(year),
                Some("streefjaar"),
                format!(
                    "{} valt buiten de planperiode; verwacht {first_year}–{last_year}",
                    year.get_ref()
                ),
            );
        }
    }
    if *entry.basisjaar.get_ref() > target_year {
        problems.add(
            lines.of(&entry.basisjaar),
            Some("basisjaar"),
            format!(
                "{} ligt na het streefjaar {target_year}",
                entry.basisjaar.get_ref()
            ),
        );
    }
    target_year
}

/// The change, or None (with its problems recorded) if its date or kind is unusable.
fn read_change(
    problems: &mut Problems,
    lines: Lines<'_>,
    frame: &Frame,
    entry: ChangeEntry,
) -> Option<PlanChange> {
    let date = change_date(problems, lines, &entry.datum);
    let kind = SOORT.of(problems, lines, &entry.soort);
    if let Some(theme) = &entry.thema {
        check_theme(problems, lines, frame, theme);
    }
    let (Some(date), Some(kind)) = (date, kind) else {
        return None;
    };
    Some(PlanChange {
        date,
        kind,
        subject: entry.onderwerp,
        theme: entry.thema.map(Spanned::into_inner),
        reason: entry.reden,
    })
}

/// The change's date as `YYYY-MM-DD`, or None if `datum` is not a plain date.
fn change_date(
    problems: &mut Problems,
    lines: Lines<'_>,
    datum: &Spanned<Datetime>,
) -> Option<String> {
    match (datum.get_ref().date, datum.get_ref().time) {
        (Some(date), None) => Some(date.to_string()),
        _ => {
            problems.add(
                lines.of(datum),
                Some("datum"),
                format!(
                    "{} is geen datum; verwacht een TOML-datum zoals 2023-03-01",
                    datum.get_ref()
                ),
            );
            None
        }
    }
}

/// The batch of one plan, with a note counting its parts.
fn plan_batch(input: &Input<'_>, options: &ReadOptions, plan: Plan) -> ImportBatch {
    ImportBatch {
        source: Some(input.source_info("plan-toml", "plan", options, 1)),
        notes: vec![format!(
            "plan '{}' ({}–{}): {}, {}, {}",
            plan.id,
            plan.first_year,
            plan.last_year,
            text::count(plan.themes.len() as u64, "thema", "thema's"),
            text::count(plan.goals.len() as u64, "doel", "doelen"),
            text::count(plan.changes.len() as u64, "wijziging", "wijzigingen")
        )],
        plans: vec![plan],
        ..ImportBatch::default()
    }
}

pub(crate) fn check_identifier(
    problems: &mut Problems,
    line: Option<u64>,
    field: &str,
    id: &Spanned<String>,
) {
    if !text::is_identifier(id.get_ref()) {
        problems.add(
            line,
            Some(field),
            format!(
                "'{}' is geen geldige id; verwacht kleine letters, cijfers en '-'",
                id.get_ref()
            ),
        );
    }
}

/// The area code a value holds, or None with its problem recorded.
pub(crate) fn area_code(
    problems: &mut Problems,
    code: &Spanned<String>,
    field: &str,
    lines: Lines<'_>,
) -> Option<AreaCode> {
    AreaCode::parse(code.get_ref())
        .map_err(|e| problems.add(lines.of(code), Some(field), e.to_string()))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_of_nan_or_inf_is_refused_on_its_line() {
        // `streefwaarde = nan` was accepted and stored as JSON null; the store could then not
        // read its plans back, and every later import failed (#16, found by fuzzing).
        let plan = include_str!("../../../data/plan/voorbeeldplan_groningen_2014_2017.toml");
        let context = Context {
            theme_ids: ["fietsdiefstal".to_owned()].into(),
            ..Context::default()
        };
        let input = Input {
            name: "plan.toml",
            kind: crate::InputKind::PlanToml,
            delimiter: b';',
        };
        let options = ReadOptions::default();
        assert!(read(&input, plan.as_bytes(), &options, &context).is_ok());
        for word in ["nan", "-inf"] {
            let broken = plan.replacen("streefwaarde = 3300", &format!("streefwaarde = {word}"), 1);
            let error = read(&input, broken.as_bytes(), &options, &context).unwrap_err();
            let line = broken
                .lines()
                .position(|l| l.starts_with(&format!("streefwaarde = {word}")))
                .map(|i| i as u64 + 1);
            assert_eq!(error.problems.len(), 1, "{error}");
            assert_eq!(error.problems[0].line, line, "{error}");
            assert_eq!(error.problems[0].field.as_deref(), Some("streefwaarde"));
        }
    }
}
