//! The subcommands, on top of the library crates.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use buurtbeeld_analysis::EffectMethod;
use buurtbeeld_analysis::{read_files, ImportFailure, ImportFile};
use buurtbeeld_analysis::{
    AnswerError, EffectError, ForecastError, ForecastRequest, HotspotError, HotspotRequest,
    PatternError, PictureError, PictureRequest, PlanError, Refusal, Subject,
};
use buurtbeeld_cube::dutch::integer;
use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Day, Period};
use buurtbeeld_document::{
    document_bytes, write_document, DocumentError, DocumentFormat, DocumentKind, DocumentRequest,
};
use buurtbeeld_ingest::{InputKind, ReadOptions};
use buurtbeeld_render::OutputFormat;
use buurtbeeld_store::{ImportLogEntry, ImportOutcome, Progress, Store};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use crate::cli::{
    AreaArg, DensityArgs, ForecastArgs, HotspotArgs, NearRepeatArgs, PointsArgs, SubjectArgs,
    VisArgs,
};

/// Why a command did not succeed, which decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The user's input or request was refused (exit 1).
    Refused(String),
    /// Something broke (exit 2).
    Broken(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Failure {
        Failure::Broken(error)
    }
}

impl From<buurtbeeld_store::StoreError> for Failure {
    fn from(error: buurtbeeld_store::StoreError) -> Failure {
        Failure::Broken(error.into())
    }
}

impl Failure {
    /// A use-case error: the request is refused (exit 1), unless the store broke (exit 2).
    pub fn answer<E: AnswerError>(error: E) -> Failure {
        match error.refusal() {
            Refusal::Broken => Failure::Broken(error.into()),
            Refusal::NotFound | Refusal::Invalid => Failure::Refused(error.to_string()),
        }
    }
}

/// `?` on every use-case's error goes through [`Failure::answer`].
macro_rules! answered {
    ($($error:ty),*) => {$(
        impl From<$error> for Failure {
            fn from(error: $error) -> Failure {
                Failure::answer(error)
            }
        }
    )*};
}

answered!(
    PictureError,
    HotspotError,
    PatternError,
    ForecastError,
    PlanError,
    EffectError,
    DocumentError
);

pub type Outcome = Result<(), Failure>;

pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("buurtbeeld")
}

/// Opens the store; a new store is first given the shipped categories, themes and incident
/// code mapping, logged as an import like any other.
/// The code of an area named by code or by name. A name matches case-insensitively, first
/// exactly, then as part of a name; one match is the answer, several are refused with the
/// candidates (at most 10) so that the user can pick a code.
pub fn resolve_area(store: &Store, area: &AreaArg) -> Result<AreaCode, Failure> {
    let name = match area {
        AreaArg::Code(code) => return Ok(code.clone()),
        AreaArg::Name(name) => name,
    };
    let wanted = name.to_lowercase();
    let mut areas = Vec::new();
    for level in [
        AreaLevel::Land,
        AreaLevel::Gemeente,
        AreaLevel::Wijk,
        AreaLevel::Buurt,
    ] {
        areas.extend(store.areas_at(level)?);
    }
    let exact: Vec<_> = areas
        .iter()
        .filter(|a| a.name.to_lowercase() == wanted)
        .collect();
    let matches = if exact.is_empty() {
        areas
            .iter()
            .filter(|a| a.name.to_lowercase().contains(&wanted))
            .collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(one.code.clone()),
        [] => Err(Failure::Refused(format!(
            "geen gebied heet '{name}'; geef een code (GM0014, WK001400, BU00140008) of een \
             naam die in de gegevens staat"
        ))),
        several => {
            let listed: Vec<String> = several
                .iter()
                .take(10)
                .map(|a| format!("{} {} ({})", a.code, a.name, a.level.as_str()))
                .collect();
            let more = several.len().saturating_sub(10);
            Err(Failure::Refused(format!(
                "'{name}' past bij {} gebieden; kies een code: {}{}",
                several.len(),
                listed.join(", "),
                if more > 0 {
                    format!(" en {more} meer")
                } else {
                    String::new()
                }
            )))
        }
    }
}

pub fn open_store(data_dir: &Path) -> Result<Store, Failure> {
    let mut store = Store::open(data_dir)?;
    if store.themes()?.is_empty() && store.categories()?.is_empty() {
        let defaults = buurtbeeld_ingest::default_batch()
            .map_err(|e| Failure::Broken(anyhow::anyhow!("shipped defaults are invalid: {e}")))?;
        store.import(&[defaults], &())?;
    }
    Ok(store)
}

pub(crate) struct Bar(pub(crate) ProgressBar);

impl Progress for Bar {
    fn advance(&self, cells: u64) {
        self.0.inc(cells);
    }
}

fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// What the user chose on `import`'s command line besides the files.
pub struct ImportChoices<'a> {
    pub kind: Option<&'a str>,
    pub release: String,
    pub year: Option<i32>,
    pub by: Option<String>,
    pub mapping: Option<PathBuf>,
    pub source_name: Option<String>,
}

pub fn import(data_dir: &Path, files: &[PathBuf], choices: ImportChoices<'_>) -> Outcome {
    let ImportChoices {
        kind,
        release,
        year,
        by,
        mapping,
        source_name,
    } = choices;
    if mapping.is_some() && files.len() > 1 {
        return Err(Failure::Refused(
            "--mapping geldt voor één bestand; importeer meerdere registratiebestanden met elk \
             een mappingbestand ernaast (<naam>.mapping.toml)"
                .to_owned(),
        ));
    }
    let kind = match kind {
        None => None,
        Some(name) => Some(InputKind::from_name(name).ok_or_else(|| {
            Failure::Refused(format!(
                "onbekende --kind '{name}'; verwacht een van: {}",
                kinds().join(", ")
            ))
        })?),
    };
    let options = ReadOptions {
        kind,
        release,
        table_id: None,
        year,
        imported_by: by
            .or_else(|| std::env::var("USER").ok())
            .unwrap_or_default(),
        mapping,
        source_name,
    };
    let mut store = open_store(data_dir)?;
    let files: Vec<ImportFile> = files
        .iter()
        .map(|path| ImportFile {
            path: path.clone(),
            name: path.display().to_string(),
        })
        .collect();
    let mut bar: Option<ProgressBar> = None;
    let batches = read_files(&store, &files, &options, &mut |name, done| {
        if done {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
        } else {
            bar = Some(spinner(format!("lezen: {name}")));
        }
    })
    .map_err(|failure| match failure {
        ImportFailure::Refused(_) => Failure::Refused(format!(
            "{failure}\nimport geweigerd: er is niets veranderd in {}",
            store.path().display()
        )),
        ImportFailure::Store(error) => Failure::from(error),
    })?;
    let cells: u64 = batches.iter().map(|b| b.cell_count() as u64).sum();
    let dutch = |n: u64| buurtbeeld_cube::dutch::integer(n);
    let bar = ProgressBar::new(cells).with_style(
        ProgressStyle::with_template("schrijven {bar:40} {done}/{total} cellen ({eta})")
            .expect("valid template")
            .with_key(
                "done",
                move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}", dutch(s.pos()));
                },
            )
            .with_key(
                "total",
                move |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}", dutch(s.len().unwrap_or(0)));
                },
            ),
    );
    let outcomes = store
        .import(&batches, &Bar(bar.clone()))
        .context("writing the import")?;
    bar.finish_and_clear();
    for outcome in &outcomes {
        print_outcome(outcome);
    }
    Ok(())
}

/// `1 regel`, `12.399 regels`.
fn rows(n: u64) -> String {
    format!("{} {}", integer(n), if n == 1 { "regel" } else { "regels" })
}

pub(crate) fn print_outcome(outcome: &ImportOutcome) {
    match outcome.import_id {
        None => outln!("{}: al eerder ingelezen, niets veranderd", outcome.file),
        Some(id)
            if outcome.cells_new + outcome.cells_changed + outcome.cells_unchanged == 0
                && outcome.areas == 0
                && outcome.population_rows == 0 =>
        {
            outln!(
                "{}: ingelezen als #{id} ({}): {}",
                outcome.file,
                outcome.table_id,
                rows(outcome.rows)
            );
        }
        Some(id) => {
            outln!(
                "{}: ingelezen als #{id} ({}): {}, {} nieuwe cellen, {} gewijzigd, {} ongewijzigd, \
                 {} gebieden, {} inwonertallen",
                outcome.file,
                outcome.table_id,
                rows(outcome.rows),
                integer(outcome.cells_new),
                integer(outcome.cells_changed),
                integer(outcome.cells_unchanged),
                integer(outcome.areas as u64),
                integer(outcome.population_rows as u64),
            );
        }
    }
    for note in &outcome.notes {
        outln!("  {note}");
    }
}

pub fn kinds() -> Vec<&'static str> {
    InputKind::ALL.iter().map(|k| k.name()).collect()
}

pub struct PictureArgs {
    pub area: AreaArg,
    pub subject: SubjectArgs,
    pub year: Option<i32>,
    pub month: Option<Period>,
    pub source: Option<String>,
    pub format: OutputFormat,
}

pub fn picture(data_dir: &Path, args: PictureArgs) -> Outcome {
    let store = open_store(data_dir)?;
    let area = resolve_area(&store, &args.area)?;
    let subject = subject_of(args.subject);
    let (year, month) = match (args.year, args.month) {
        (Some(year), None) => (year, None),
        (year, Some(Period::Month { year: y, month })) if year.is_none_or(|year| year == y) => {
            (y, Some(month))
        }
        (Some(year), Some(other)) => {
            return Err(Failure::Refused(format!(
                "--month {other} valt niet in --year {year}"
            )))
        }
        (None, _) => {
            // The last complete year, else the last year with any figure.
            let years = buurtbeeld_analysis::years_with_data(&store, &area, &subject)?;
            let year = years
                .iter()
                .rev()
                .find(|(_, months)| *months >= 12)
                .or(years.last())
                .map(|(year, _)| *year)
                .ok_or_else(|| PictureError::no_data(&area, None))?;
            (year, None)
        }
    };
    let request = PictureRequest {
        area,
        subject,
        year,
        month,
        source: args.source,
        level: None,
        min_population: buurtbeeld_analysis::MIN_POPULATION_FOR_RATE,
    };
    let picture = buurtbeeld_analysis::picture(&store, &request)?;
    out!("{}", buurtbeeld_render::render(&picture, args.format));
    Ok(())
}

pub fn hotspots(data_dir: &Path, args: HotspotArgs) -> Outcome {
    let store = open_store(data_dir)?;
    let area = resolve_area(&store, &args.area)?;
    let subject = subject_of(args.subject);
    let mut request = HotspotRequest::new(area, args.level.into(), subject, args.period);
    request.weights = args.weights;
    request.measure = args.measure.into();
    request.min_population = args.min_population;
    request.correction = args.correction.into();
    request.permutations = args.permutations as usize;
    request.seed = args.seed;
    request.alpha = args.alpha;
    request.window = args.window;
    request.source = args.source;
    let hotspots = buurtbeeld_analysis::hotspots(&store, &request)?;
    out!(
        "{}",
        buurtbeeld_render::render_hotspots(&hotspots, args.format.into(), args.all)
    );
    Ok(())
}

pub fn vis(data_dir: &Path, args: VisArgs) -> Outcome {
    let store = open_store(data_dir)?;
    let request = buurtbeeld_analysis::VisRequest {
        area: resolve_area(&store, &args.area)?,
        theme: args.theme,
        dedup: buurtbeeld_analysis::DedupRule {
            metres: args.dedup_metres,
            days: args.dedup_days,
        },
    };
    let vis = buurtbeeld_analysis::vis(&store, &request)?;
    out!(
        "{}",
        buurtbeeld_render::render_vis(&vis, args.format.into())
    );
    Ok(())
}

/// The first and last day of the months asked for.
fn days_of(points: &PointsArgs) -> Option<(Day, Day)> {
    if points.from.is_none() && points.to.is_none() {
        return None;
    }
    let first = points
        .from
        .map_or(Day::from_days(i32::MIN / 2), Day::first_of);
    let last = points.to.map_or(Day::from_days(i32::MAX / 2), Day::last_of);
    Some((first, last))
}

pub fn near_repeat(data_dir: &Path, args: NearRepeatArgs) -> Outcome {
    let days = days_of(&args.points);
    let points = args.points;
    let store = open_store(data_dir)?;
    let mut request = buurtbeeld_analysis::NearRepeatRequest::new(
        resolve_area(&store, &points.area)?,
        &points.source,
        subject_of(points.subject),
    );
    request.days = days;
    request.parameters.bands = buurtbeeld_analysis::near_repeat_bands(
        args.distance_step,
        args.distance_bands,
        args.day_step,
        args.day_bands,
    );
    request.parameters.permutations = args.permutations as usize;
    request.parameters.seed = args.seed;
    let result = buurtbeeld_analysis::near_repeat(&store, &request)?;
    out!(
        "{}",
        buurtbeeld_render::render_near_repeat(&result, args.format.into())
    );
    Ok(())
}

pub fn density(data_dir: &Path, args: DensityArgs) -> Outcome {
    let days = days_of(&args.points);
    let points = args.points;
    let store = open_store(data_dir)?;
    let mut request = buurtbeeld_analysis::DensityRequest::new(
        resolve_area(&store, &points.area)?,
        &points.source,
        subject_of(points.subject),
    );
    request.days = days;
    request.cell_metres = f64::from(args.cell);
    request.bandwidth_metres = f64::from(args.bandwidth);
    let result = buurtbeeld_analysis::density(&store, &request)?;
    out!(
        "{}",
        buurtbeeld_render::render_density(&result, args.format.into())
    );
    Ok(())
}

/// `forecast`, or with `backtest_only` the backtest scores of every method.
pub fn forecast(data_dir: &Path, args: ForecastArgs, backtest_only: bool) -> Outcome {
    let store = open_store(data_dir)?;
    let area = resolve_area(&store, &args.area)?;
    let subject = subject_of(args.subject);
    let from = match args.from {
        Some(from) => from,
        None => {
            buurtbeeld_analysis::month_after_data(&store, &area, &subject, args.source.as_deref())?
        }
    };
    let request = ForecastRequest {
        area,
        level: args.level.map(Into::into),
        subject,
        from,
        horizon: usize::from(args.horizon),
        method: (args.method != "auto").then_some(args.method),
        source: args.source,
    };
    let format: OutputFormat = args.format.into();
    let text = if backtest_only {
        buurtbeeld_render::render_backtest(
            &buurtbeeld_analysis::run_backtest(&store, &request)?,
            format,
        )
    } else {
        buurtbeeld_render::render_forecasts(
            &buurtbeeld_analysis::forecast(&store, &request)?,
            format,
            args.all,
        )
    };
    out!("{text}");
    Ok(())
}

/// What the user asked about: a theme or one police category (clap requires one of them).
pub(crate) fn subject_of(args: SubjectArgs) -> Subject {
    match (args.theme, args.category) {
        (Some(theme), _) => Subject::Theme(theme),
        (None, Some(category)) => Subject::Category(category),
        (None, None) => Subject::Theme(String::new()),
    }
}

pub fn themes(data_dir: &Path, as_toml: bool) -> Outcome {
    let store = open_store(data_dir)?;
    let themes = store.themes()?;
    if as_toml {
        out!("{}", buurtbeeld_ingest::themes_to_toml(&themes));
        return Ok(());
    }
    for theme in themes {
        let codes: Vec<&str> = theme.categories.iter().map(CategoryCode::as_str).collect();
        outln!(
            "{:<28} {:<40} {}{}",
            theme.id,
            theme.name,
            codes.join(" "),
            theme
                .bbv_indicator
                .map(|b| format!("  [BBV: {b}]"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

pub fn log(data_dir: &Path) -> Outcome {
    let store = open_store(data_dir)?;
    let entries = store.imports()?;
    let width = |field: fn(&ImportLogEntry) -> &str| {
        entries
            .iter()
            .map(|e| field(e).chars().count())
            .max()
            .unwrap_or(0)
    };
    let (by, kind, table) = (
        width(|e| &e.imported_by),
        width(|e| &e.kind),
        width(|e| &e.table_id),
    );
    for entry in &entries {
        let time = buurtbeeld_render::import_time(&entry.imported_at);
        outln!(
            "#{:<4} {time}  {:<by$}  {:<kind$}  {:<table$}  versie '{}'  {}  sha256 {}…  {}",
            entry.id,
            entry.imported_by,
            entry.kind,
            entry.table_id,
            entry.release,
            rows(entry.rows.max(0) as u64),
            &entry.checksum[..entry.checksum.len().min(12)],
            entry.file
        );
    }
    Ok(())
}

/// The plan a command is about: `id`, or the only plan in the store.
fn choose_plan(store: &Store, id: Option<&str>) -> Result<String, Failure> {
    let plans = store.plans()?;
    let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
    match (id, ids.as_slice()) {
        (Some(id), _) if ids.contains(&id) => Ok(id.to_owned()),
        (Some(id), _) => Err(Failure::Refused(format!(
            "onbekend plan '{id}'; de plannen zijn: {}",
            ids.join(", ")
        ))),
        (None, [only]) => Ok((*only).to_owned()),
        (None, []) => Err(Failure::Refused(
            "er is nog geen plan ingelezen; lees een planbestand in (docs/plan-files.md) of \
             draai `buurtbeeld demo`"
                .to_owned(),
        )),
        (None, _) => Err(Failure::Refused(format!(
            "er zijn {} plannen; kies er een met --id: {}",
            ids.len(),
            ids.join(", ")
        ))),
    }
}

/// The effect of one intervention, or the list of interventions.
pub fn effect(
    data_dir: &Path,
    id: Option<&str>,
    method: EffectMethod,
    format: OutputFormat,
) -> Outcome {
    let store = open_store(data_dir)?;
    let Some(id) = id else {
        let interventions = store.interventions()?;
        if interventions.is_empty() {
            outln!("Geen interventies ingelezen (docs/interventions.md).");
        }
        for i in &interventions {
            outln!(
                "{}\t{}\t{}\t{} vanaf {}",
                i.id,
                i.name,
                i.kind.label(),
                i.indicator,
                buurtbeeld_cube::dutch::period::period(i.start)
            );
        }
        return Ok(());
    };
    let report = buurtbeeld_analysis::effect(&store, id, method)?;
    match format {
        OutputFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the effect")?
        ),
        OutputFormat::Csv => out!("{}", buurtbeeld_render::render_effect_csv(&report, true)),
        OutputFormat::Table => out!("{}", buurtbeeld_render::render_effect(&report)),
    }
    Ok(())
}

/// Write the plan's files (plan, one action file per year, the budget) into `dir`.
pub fn export_plan(data_dir: &Path, id: Option<&str>, dir: &Path) -> Outcome {
    let store = open_store(data_dir)?;
    let id = choose_plan(&store, id)?;
    let plan = store
        .plan(&id)?
        .ok_or_else(|| PlanError::UnknownPlan(id.clone()))?;
    let mut files = vec![(format!("{id}.toml"), buurtbeeld_ingest::plan_toml(&plan))];
    for set in store.action_sets(&id)? {
        files.push((
            format!("{id}_acties_{}.toml", set.year),
            buurtbeeld_ingest::actions_toml(&set),
        ));
    }
    let budget = store.budget(&id)?;
    if !budget.is_empty() {
        files.push((
            format!("{id}_begroting.csv"),
            buurtbeeld_ingest::budget_csv(&budget),
        ));
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for (name, text) in &files {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        outln!("{}", path.display());
    }
    Ok(())
}

/// Write a council document as PDF or HTML, by the extension of `out`.
pub fn report(
    data_dir: &Path,
    kind: DocumentKind,
    id: Option<&str>,
    area: Option<AreaArg>,
    year: Option<i32>,
    out: &Path,
) -> Outcome {
    let format = out
        .extension()
        .and_then(|e| e.to_str())
        .and_then(DocumentFormat::from_extension)
        .ok_or_else(|| {
            Failure::Refused(format!(
                "{}: de bestandsnaam moet eindigen op .pdf of .html",
                out.display()
            ))
        })?;
    let store = open_store(data_dir)?;
    let area = area.map(|a| resolve_area(&store, &a)).transpose()?;
    let today = time::OffsetDateTime::now_utc().date();
    let plan = match kind {
        DocumentKind::Wijkprofiel if area.is_none() => {
            return Err(Failure::Refused(
                "een wijkprofiel vraagt --area, de code van een wijk of buurt (bijvoorbeeld \
                 WK001400)"
                    .to_owned(),
            ))
        }
        DocumentKind::Wijkprofiel => None,
        _ => Some(choose_plan(&store, id)?),
    };
    let request = DocumentRequest {
        kind,
        plan,
        area,
        year,
        date: buurtbeeld_document::dutch_date(today.year(), today.month().into(), today.day()),
    };
    let document = write_document(&store, &request)?;
    let (bytes, pages) = document_bytes(&document, format).context("writing the PDF")?;
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    let size = match pages {
        Some(pages) => format!("{pages} pagina's, {} bytes", integer(bytes.len() as u64)),
        None => format!("{} bytes", integer(bytes.len() as u64)),
    };
    eprintln!("{}: {} ({size})", out.display(), document.title);
    Ok(())
}

pub fn plan(data_dir: &Path, id: Option<&str>, format: OutputFormat) -> Outcome {
    let store = open_store(data_dir)?;
    let id = choose_plan(&store, id)?;
    let report = buurtbeeld_analysis::known_plan_report(&store, &id)?;
    match format {
        OutputFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the plan")?
        ),
        _ => out!("{}", buurtbeeld_render::render_plan(&report)),
    }
    Ok(())
}

pub fn formats() -> Outcome {
    let width = kinds().iter().map(|k| k.len()).max().unwrap_or(0);
    for kind in InputKind::ALL {
        outln!("{:width$}  {}", kind.name(), kind.description());
    }
    Ok(())
}

pub fn dump(data_dir: &Path) -> Outcome {
    let store = open_store(data_dir)?;
    out!("{}", store.dump()?);
    Ok(())
}
