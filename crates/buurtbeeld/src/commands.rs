//! The subcommands, on top of the library crates.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use buurtbeeld_analysis::{
    HotspotRequest, Measure, PictureError, PictureRequest, Subject, WeightsRule,
};
use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Period};
use buurtbeeld_ingest::{Context, ImportError, InputKind, ReadOptions};
use buurtbeeld_render::OutputFormat;
use buurtbeeld_store::{ImportOutcome, Progress, Store};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};

use crate::cli::{ForecastArgs, HotspotArgs};

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

pub type Outcome = Result<(), Failure>;

pub fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("buurtbeeld")
}

/// Opens the store; a new store is first given the shipped categories, themes and incident
/// code mapping, logged as an import like any other.
pub fn open_store(data_dir: &Path) -> Result<Store, Failure> {
    let mut store = Store::open(data_dir)?;
    if store.themes()?.is_empty() && store.categories()?.is_empty() {
        let defaults = buurtbeeld_ingest::default_batch()
            .map_err(|e| Failure::Broken(anyhow::anyhow!("shipped defaults are invalid: {e}")))?;
        store.import(&[defaults], &())?;
    }
    Ok(store)
}

fn context(store: &Store) -> Result<Context, Failure> {
    let mut known_areas = std::collections::BTreeSet::new();
    for level in [
        buurtbeeld_cube::AreaLevel::Land,
        buurtbeeld_cube::AreaLevel::Gemeente,
        buurtbeeld_cube::AreaLevel::Wijk,
        buurtbeeld_cube::AreaLevel::Buurt,
    ] {
        known_areas.extend(store.areas_at(level)?.into_iter().map(|a| a.code));
    }
    Ok(Context {
        known_areas,
        buurt_geometries: store.buurt_geometries()?,
        incident_codes: store.incident_codes()?,
        theme_ids: store.themes()?.into_iter().map(|t| t.id).collect(),
        plans: store
            .plans()?
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect(),
    })
}

struct Bar(ProgressBar);

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

pub fn import(
    data_dir: &Path,
    files: &[PathBuf],
    kind: Option<&str>,
    release: String,
    year: Option<i32>,
    by: Option<String>,
) -> Outcome {
    let kind = match kind {
        None => None,
        Some(name) => Some(InputKind::from_name(name).ok_or_else(|| {
            Failure::Refused(format!(
                "unknown --kind '{name}'; expected one of: {}",
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
    };
    let mut store = open_store(data_dir)?;
    let mut context = context(&store)?;
    let mut batches = Vec::new();
    let mut refused: Vec<ImportError> = Vec::new();
    // Files that others refer to come first, whatever order they were named in.
    let mut files = files.to_vec();
    files.sort_by_key(|path| {
        !buurtbeeld_ingest::detect_kind(path, &options).is_some_and(InputKind::is_reference)
    });
    for path in &files {
        let name = path.display().to_string();
        let bar = spinner(format!("reading {name}"));
        let result = buurtbeeld_ingest::read_file(path, &name, &options, &context);
        bar.finish_and_clear();
        match result {
            Ok(batch) => {
                // A boundary file serves an incident export of the same command.
                for area in &batch.areas {
                    context.known_areas.insert(area.code.clone());
                    if let (buurtbeeld_cube::AreaLevel::Buurt, Some(geometry)) =
                        (area.level, &area.geometry)
                    {
                        context
                            .buurt_geometries
                            .push((area.code.clone(), geometry.clone()));
                    }
                }
                // A plan file serves action and budget files.
                for plan in &batch.plans {
                    context.plans.insert(plan.id.clone(), plan.clone());
                }
                if let Some(themes) = &batch.themes {
                    context.theme_ids = themes.iter().map(|t| t.id.clone()).collect();
                }
                batches.push(batch);
            }
            Err(error) => refused.push(error),
        }
    }
    if !refused.is_empty() {
        let listing: Vec<String> = refused.iter().map(ToString::to_string).collect();
        return Err(Failure::Refused(format!(
            "{}\nimport refused: nothing was changed in {}",
            listing.join("\n"),
            store.path().display()
        )));
    }
    let cells: u64 = batches.iter().map(|b| b.cell_count() as u64).sum();
    let dutch = |n: u64| buurtbeeld_cube::dutch::integer(n);
    let bar = ProgressBar::new(cells).with_style(
        ProgressStyle::with_template("writing {bar:40} {done}/{total} cells ({eta})")
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

fn print_outcome(outcome: &ImportOutcome) {
    use buurtbeeld_cube::dutch::integer;
    match outcome.import_id {
        None => println!("{}: already imported, nothing changed", outcome.file),
        Some(id)
            if outcome.cells_new + outcome.cells_changed + outcome.cells_unchanged == 0
                && outcome.areas == 0
                && outcome.population_rows == 0 =>
        {
            println!(
                "{}: imported as #{id} ({}): {} rows",
                outcome.file,
                outcome.table_id,
                integer(outcome.rows)
            );
        }
        Some(id) => {
            println!(
                "{}: imported as #{id} ({}): {} rows, {} new cells, {} changed, {} unchanged, {} areas, {} population figures",
                outcome.file,
                outcome.table_id,
                integer(outcome.rows),
                integer(outcome.cells_new),
                integer(outcome.cells_changed),
                integer(outcome.cells_unchanged),
                integer(outcome.areas as u64),
                integer(outcome.population_rows as u64),
            );
        }
    }
    for note in &outcome.notes {
        println!("  {note}");
    }
}

pub fn kinds() -> Vec<&'static str> {
    InputKind::ALL.iter().map(|k| k.name()).collect()
}

pub struct PictureArgs {
    pub area: String,
    pub theme: Option<String>,
    pub category: Option<String>,
    pub year: i32,
    pub month: Option<String>,
    pub source: Option<String>,
    pub format: OutputFormat,
}

pub fn picture(data_dir: &Path, args: PictureArgs) -> Outcome {
    let refused = |m: String| Failure::Refused(m);
    let area = AreaCode::parse(&args.area).map_err(|e| refused(format!("--area: {e}")))?;
    let subject = subject_of(args.theme, args.category)?;
    let month = match args.month {
        None => None,
        Some(text) => match Period::parse_iso(&text) {
            Ok(Period::Month { year, month }) if year == args.year => Some(month),
            Ok(Period::Month { .. }) => {
                return Err(refused(format!(
                    "--month {text} is not in --year {}",
                    args.year
                )))
            }
            _ => {
                return Err(refused(format!(
                    "--month: '{text}' is not a month like 2023-05"
                )))
            }
        },
    };
    let store = open_store(data_dir)?;
    let request = PictureRequest {
        area,
        subject,
        year: args.year,
        month,
        source: args.source,
        level: None,
    };
    match buurtbeeld_analysis::picture(&store, &request) {
        Ok(picture) => {
            print!("{}", buurtbeeld_render::render(&picture, args.format));
            Ok(())
        }
        Err(PictureError::Store(e)) => Err(e.into()),
        Err(e) => Err(refused(e.to_string())),
    }
}

pub fn hotspots(data_dir: &Path, args: HotspotArgs) -> Outcome {
    let format: OutputFormat = args.format.into();
    let refused = |m: String| Failure::Refused(m);
    let area = AreaCode::parse(&args.area).map_err(|e| refused(format!("--area: {e}")))?;
    let subject = subject_of(args.subject.theme, args.subject.category)?;
    let period = Period::parse_iso(&args.period).map_err(|_| {
        refused(format!(
            "--period: '{}' is not a year (2015) or a month (2015-06)",
            args.period
        ))
    })?;
    let level = AreaLevel::parse(&args.level).expect("clap checked the level");
    let mut request = HotspotRequest::new(area, level, subject, period);
    request.weights = args
        .weights
        .parse::<WeightsRule>()
        .map_err(|e| refused(format!("--weights: {e}")))?;
    request.measure = args
        .measure
        .parse::<Measure>()
        .map_err(|e| refused(format!("--measure: {e}")))?;
    request.correction = buurtbeeld_analysis::parse_correction(&args.correction)
        .map_err(|e| refused(format!("--correction: {e}")))?;
    if args.permutations == 0 || args.permutations > 99_999 {
        return Err(refused(format!(
            "--permutations: {} is out of range; expected 1 to 99999 (999 is usual)",
            args.permutations
        )));
    }
    if !(args.alpha > 0.0 && args.alpha < 1.0) {
        return Err(refused(format!(
            "--alpha: {} is not a level between 0 and 1 (0.05 is usual)",
            args.alpha
        )));
    }
    request.permutations = args.permutations;
    request.seed = args.seed;
    request.alpha = args.alpha;
    request.window = args.window;
    request.source = args.source;
    let store = open_store(data_dir)?;
    match buurtbeeld_analysis::hotspots(&store, &request) {
        Ok(hotspots) => {
            print!("{}", buurtbeeld_render::render_hotspots(&hotspots, format));
            Ok(())
        }
        Err(PictureError::Store(e)) => Err(e.into()),
        Err(e) => Err(refused(e.to_string())),
    }
}

/// `forecast`, or with `backtest_only` the backtest scores of every method.
pub fn forecast(data_dir: &Path, args: ForecastArgs, backtest_only: bool) -> Outcome {
    let refused = |m: String| Failure::Refused(m);
    let area = AreaCode::parse(&args.area).map_err(|e| refused(format!("--area: {e}")))?;
    let subject = subject_of(args.subject.theme, args.subject.category)?;
    let from = match Period::parse_iso(&args.from) {
        Ok(month @ Period::Month { .. }) => month,
        _ => {
            return Err(refused(format!(
                "--from: '{}' is not a month like 2016-01",
                args.from
            )))
        }
    };
    if !(1..=12).contains(&args.horizon) {
        return Err(refused(format!(
            "--horizon: {} is out of range; expected 1 to 12 months",
            args.horizon
        )));
    }
    let method = match args.method.as_str() {
        "auto" => None,
        name if buurtbeeld_analysis::method_names().contains(&name) => Some(name.to_owned()),
        name => {
            return Err(refused(format!(
                "--method: '{name}' is unknown; expected auto, {}",
                buurtbeeld_analysis::method_names().join(", ")
            )))
        }
    };
    let request = buurtbeeld_analysis::ForecastRequest {
        area,
        level: args
            .level
            .as_deref()
            .map(|l| AreaLevel::parse(l).expect("clap checked the level")),
        subject,
        from,
        horizon: args.horizon,
        method,
        source: args.source,
    };
    let format: OutputFormat = args.format.into();
    let store = open_store(data_dir)?;
    let output = if backtest_only {
        buurtbeeld_analysis::run_backtest(&store, &request)
            .map(|b| buurtbeeld_render::render_backtest(&b, format))
    } else {
        buurtbeeld_analysis::forecast(&store, &request)
            .map(|f| buurtbeeld_render::render_forecasts(&f, format))
    };
    match output {
        Ok(text) => {
            print!("{text}");
            Ok(())
        }
        Err(PictureError::Store(e)) => Err(e.into()),
        Err(e) => Err(refused(e.to_string())),
    }
}

fn subject_of(theme: Option<String>, category: Option<String>) -> Result<Subject, Failure> {
    match (theme, category) {
        (Some(theme), _) => Ok(Subject::Theme(theme)),
        (None, Some(category)) => Ok(Subject::Category(
            CategoryCode::parse(&category)
                .map_err(|e| Failure::Refused(format!("--category: {e}")))?,
        )),
        (None, None) => unreachable!("clap requires --theme or --category"),
    }
}

pub fn themes(data_dir: &Path, as_toml: bool) -> Outcome {
    let store = open_store(data_dir)?;
    let themes = store.themes()?;
    if as_toml {
        print!("{}", buurtbeeld_ingest::themes_to_toml(&themes));
        return Ok(());
    }
    for theme in themes {
        let codes: Vec<&str> = theme.categories.iter().map(CategoryCode::as_str).collect();
        println!(
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
    for entry in store.imports()? {
        println!(
            "#{:<4} {}  {:<16} {:<22} {:<24} release '{}'  {} rows  sha256 {}…  {}",
            entry.id,
            entry.imported_at,
            entry.imported_by,
            entry.kind,
            entry.table_id,
            entry.release,
            entry.rows,
            &entry.checksum[..entry.checksum.len().min(12)],
            entry.file
        );
    }
    Ok(())
}

/// The plan of `id` (or the only plan) measured: KPIs, BBV indicators, actions, budget.
/// The plan a command is about: `id`, or the only plan in the store.
fn choose_plan(store: &Store, id: Option<&str>) -> Result<String, Failure> {
    let plans = store.plans()?;
    match (id, plans.as_slice()) {
        (Some(id), _) if plans.iter().any(|p| p.id == id) => Ok(id.to_owned()),
        (Some(id), _) => Err(unknown_plan(store, id)?),
        (None, [only]) => Ok(only.id.clone()),
        (None, []) => Err(Failure::Refused(
            "no plan in the store; import a plan file (docs/plan-files.md) or run \
             `buurtbeeld demo`"
                .to_owned(),
        )),
        (None, _) => {
            let ids: Vec<&str> = plans.iter().map(|p| p.id.as_str()).collect();
            Err(Failure::Refused(format!(
                "the store has {} plans; choose one with --id: {}",
                plans.len(),
                ids.join(", ")
            )))
        }
    }
}

fn unknown_plan(store: &Store, id: &str) -> Result<Failure, Failure> {
    let ids: Vec<String> = store.plans()?.into_iter().map(|p| p.id).collect();
    Ok(Failure::Refused(format!(
        "unknown plan '{id}'; the plans are: {}",
        ids.join(", ")
    )))
}

/// The effect of one intervention, or the list of interventions.
pub fn effect(data_dir: &Path, id: Option<&str>, method: &str, format: OutputFormat) -> Outcome {
    let store = open_store(data_dir)?;
    let interventions = store.interventions()?;
    let Some(id) = id else {
        if interventions.is_empty() {
            println!("Geen interventies ingelezen (docs/interventions.md).");
        }
        for i in &interventions {
            println!(
                "{}	{}	{}	{} vanaf {}",
                i.id,
                i.name,
                i.kind.label(),
                i.indicator,
                i.start
            );
        }
        return Ok(());
    };
    let method = buurtbeeld_analysis::EffectMethod::parse(method)
        .ok_or_else(|| Failure::Refused(format!("unknown method '{method}'")))?;
    let report = match buurtbeeld_analysis::effect(&store, id, method) {
        Ok(Some(report)) => report,
        Ok(None) => {
            let ids: Vec<&str> = interventions.iter().map(|i| i.id.as_str()).collect();
            return Err(Failure::Refused(format!(
                "unknown intervention '{id}'; the interventions are: {}",
                if ids.is_empty() {
                    "none".to_owned()
                } else {
                    ids.join(", ")
                }
            )));
        }
        Err(PictureError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(Failure::Refused(e.to_string())),
    };
    match format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the effect")?
        ),
        OutputFormat::Csv => print!("{}", buurtbeeld_render::render_effect_csv(&report, true)),
        OutputFormat::Table => print!("{}", buurtbeeld_render::render_effect(&report)),
    }
    Ok(())
}

/// Write the plan's files (plan, one action file per year, the budget) into `dir`.
pub fn export_plan(data_dir: &Path, id: Option<&str>, dir: &Path) -> Outcome {
    let store = open_store(data_dir)?;
    let id = choose_plan(&store, id)?;
    let plan = store
        .plan(&id)?
        .ok_or_else(|| Failure::Refused(format!("unknown plan '{id}'")))?;
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
        println!("{}", path.display());
    }
    Ok(())
}

/// Write a council document as PDF or HTML, by the extension of `out`.
pub fn report(
    data_dir: &Path,
    kind: &str,
    id: Option<&str>,
    area: Option<String>,
    year: Option<i32>,
    out: &Path,
) -> Outcome {
    let extension = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let pdf = match extension.as_deref() {
        Some("pdf") => true,
        Some("html" | "htm") => false,
        _ => {
            return Err(Failure::Refused(format!(
                "{}: the file name must end in .pdf or .html",
                out.display()
            )))
        }
    };
    let store = open_store(data_dir)?;
    let today = time::OffsetDateTime::now_utc().date();
    let date = buurtbeeld_document::dutch_date(today.year(), today.month().into(), today.day());
    let document = match kind {
        "wijkprofiel" => {
            let Some(area) = area else {
                return Err(Failure::Refused(
                    "a wijkprofiel needs --area, the code of a wijk or buurt (e.g. WK001400)"
                        .to_owned(),
                ));
            };
            let area = AreaCode::parse(&area).map_err(|e| Failure::Refused(e.to_string()))?;
            buurtbeeld_document::wijkprofiel(&store, &area, year, &date)
        }
        "programma" => {
            buurtbeeld_document::programma(&store, &choose_plan(&store, id)?, year, &date)
        }
        _ => buurtbeeld_document::veiligheidsbrief(&store, &choose_plan(&store, id)?, year, &date),
    };
    let document = match document {
        Ok(document) => document,
        Err(PictureError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(Failure::Refused(e.to_string())),
    };
    let (bytes, pages) = if pdf {
        let rendered = document.to_pdf().context("writing the PDF")?;
        (rendered.bytes, Some(rendered.pages))
    } else {
        (document.to_html().into_bytes(), None)
    };
    std::fs::write(out, &bytes).with_context(|| format!("writing {}", out.display()))?;
    match pages {
        Some(pages) => eprintln!(
            "{}: {} ({pages} pagina's, {} bytes)",
            out.display(),
            document.title,
            bytes.len()
        ),
        None => eprintln!(
            "{}: {} ({} bytes)",
            out.display(),
            document.title,
            bytes.len()
        ),
    }
    Ok(())
}

pub fn plan(data_dir: &Path, id: Option<&str>, format: OutputFormat) -> Outcome {
    let store = open_store(data_dir)?;
    let id = choose_plan(&store, id)?;
    let report = match buurtbeeld_analysis::plan_report(&store, &id) {
        Ok(Some(report)) => report,
        Ok(None) => return Err(unknown_plan(&store, &id)?),
        Err(PictureError::Store(e)) => return Err(e.into()),
        Err(e) => return Err(Failure::Refused(e.to_string())),
    };
    match format {
        OutputFormat::Json => println!(
            "{}",
            serde_json::to_string_pretty(&report).context("serialising the plan")?
        ),
        _ => print!("{}", buurtbeeld_render::render_plan(&report)),
    }
    Ok(())
}

pub fn formats() -> Outcome {
    for kind in kinds() {
        println!("{kind}");
    }
    Ok(())
}

pub fn dump(data_dir: &Path) -> Outcome {
    let store = open_store(data_dir)?;
    print!("{}", store.dump()?);
    Ok(())
}
