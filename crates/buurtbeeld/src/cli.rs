//! The command line's grammar (clap derive): every subcommand, its options and their types.

use std::path::PathBuf;

use buurtbeeld_analysis::{Correction, EffectMethod, Measure, WeightsRule};
use buurtbeeld_cube::{AreaCode, AreaLevel, CategoryCode, Period};
use buurtbeeld_document::DocumentKind;
use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "buurtbeeld",
    version,
    about = "Veiligheids-Informatiesysteem: police and CBS data in, the crime picture per theme and buurt out"
)]
pub struct Cli {
    /// Directory holding the store (one SQLite file).
    #[arg(long, global = true, env = "BUURTBEELD_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Serve the public view only: nobody signs in, small counts are protected, drafts stay
    /// hidden. Needed to listen beyond loopback without accounts.
    #[arg(long)]
    pub public_only: bool,
    /// Counts below this are not shown in the public view.
    #[arg(long, default_value_t = 5, value_name = "N", value_parser = clap::value_parser!(u64).range(1..=100))]
    pub threshold: u64,
    /// OpenID Connect issuer URL of the municipality's sign-in (Entra ID, ADFS, Keycloak).
    #[arg(long, env = "BUURTBEELD_OIDC_ISSUER", requires_all = ["oidc_client_id", "oidc_redirect_url"])]
    pub oidc_issuer: Option<String>,
    #[arg(long, env = "BUURTBEELD_OIDC_CLIENT_ID")]
    pub oidc_client_id: Option<String>,
    /// Read from the environment only, so it is not in the process list.
    #[arg(long, env = "BUURTBEELD_OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub oidc_client_secret: Option<String>,
    /// Where the provider sends users back: `https://<host>/aanmelden/oidc/terug`.
    #[arg(long, env = "BUURTBEELD_OIDC_REDIRECT_URL")]
    pub oidc_redirect_url: Option<String>,
    /// The provider's name on the sign-in page.
    #[arg(long, env = "BUURTBEELD_OIDC_LABEL", default_value = "uw organisatie")]
    pub oidc_label: String,
}

#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("scope").required(true))]
pub struct FetchArgs {
    /// The gemeente: its wijken and buurten per month, population per buurt, boundaries.
    #[arg(long, value_name = "GM…", value_parser = gemeente_code, group = "scope")]
    pub gemeente: Option<AreaCode>,
    /// Every gemeente and Nederland per year, with population per gemeente (no buurt data).
    #[arg(long, group = "scope")]
    pub nederland: bool,
    /// The first year wanted.
    #[arg(long, value_name = "YEAR", default_value_t = 2012, value_parser = clap::value_parser!(i32).range(1990..=2100))]
    pub from: i32,
    /// One base URL for all services instead of CBS's and PDOK's (for tests and mirrors).
    #[arg(
        long,
        env = "BUURTBEELD_FETCH_BASE_URL",
        value_name = "URL",
        hide = true
    )]
    pub base_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Add an account. Without --password-stdin it signs in through OpenID Connect only.
    Add {
        /// The e-mail address the person signs in with.
        login: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The name shown on the pages (default: the login).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change an account's role.
    Role {
        login: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Stop an account from signing in; its sessions end at once.
    Disable { login: String },
    /// Let a disabled account sign in again.
    Enable { login: String },
    /// Set a new password (from standard input); its sessions end.
    Password { login: String },
    /// Every account with its role.
    List,
    /// The audit log: sign-ins, imports, edits, account and role changes.
    Audit {
        /// How many lines, newest first.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Lezer,
    Analist,
    Beheerder,
}

impl From<RoleArg> for buurtbeeld_cube::Role {
    fn from(role: RoleArg) -> buurtbeeld_cube::Role {
        match role {
            RoleArg::Lezer => buurtbeeld_cube::Role::Lezer,
            RoleArg::Analist => buurtbeeld_cube::Role::Analist,
            RoleArg::Beheerder => buurtbeeld_cube::Role::Beheerder,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import files (police tables, population, boundaries, BVH exports, registrations, themes) in one
    /// transaction: all land or none does.
    Import {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Input format, instead of detecting it (see `buurtbeeld formats`).
        #[arg(long)]
        kind: Option<String>,
        /// Release or vintage label of the data, recorded in the import log.
        #[arg(long, default_value = "")]
        release: String,
        /// Year of a population or boundary file that does not state it.
        #[arg(long)]
        year: Option<i32>,
        /// Who imports, recorded in the import log (default: the login name).
        #[arg(long, value_name = "NAME")]
        by: Option<String>,
        /// Mapping file of a file of registrations (enforcement, camera, Halt; CSV or XLSX),
        /// instead of `<data file stem>.mapping.toml` beside it. See
        /// docs/registraties-mapping.md.
        #[arg(long, value_name = "FILE")]
        mapping: Option<PathBuf>,
        /// The name pages give the registration source of these files (Signalen, a mapping
        /// file's source), e.g. to mark a test or synthetic export as such.
        #[arg(long, value_name = "NAAM")]
        source_name: Option<String>,
    },
    /// Download a gemeente's official data (CBS, Politie via CBS, PDOK) and import what is new
    /// in one transaction. See docs/fetch.md.
    Fetch(FetchArgs),
    /// The crime picture of an area and its child areas for a theme or category.
    Picture {
        /// The area: a code (GM…, WK…, BU…, NL00 for the country) or a name.
        #[arg(long, value_parser = area_arg)]
        area: AreaArg,
        #[command(flatten)]
        subject: SubjectArgs,
        /// The year. Default: the year of --month, else the last complete year with figures.
        #[arg(long)]
        year: Option<i32>,
        /// One month (YYYY-MM) of the year instead of the whole year.
        #[arg(long, value_name = "YYYY-MM", value_parser = month)]
        month: Option<Period>,
        /// Source table, e.g. 47022NED, 47018NED or BVH (default: the best one available).
        #[arg(long)]
        source: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Where is action needed: hot and cold spots (Getis-Ord Gi*), clusters and outliers (local
    /// Moran), emerging hot spots over recent periods, and spikes against each area's history.
    Hotspots(HotspotArgs),
    /// Every source of an area side by side for one theme, per month: police registrations,
    /// enforcement (handhaving) and resident reports (meldingen, also as problems after
    /// deduplication), and whether they move together.
    Vis(VisArgs),
    /// After an incident, for how many metres and days is the risk of another raised? The
    /// near-repeat (Knox) test on the registrations with a point (BVH incidents, reports,
    /// enforcement), with Monte Carlo permutations of the days.
    NearRepeat(NearRepeatArgs),
    /// Where exactly: the kernel density of registrations with a point on a grid of RD New
    /// metres (the 10 densest cells; all cells as CSV or JSON).
    Density(DensityArgs),
    /// A theme or category of a gemeente's buurten on one buurtindeling (`--indeling YEAR`):
    /// buurten of other indelingen are allocated to it by area, with the share that was
    /// reallocated stated.
    Series(SeriesArgs),
    /// Monthly forecasts per area with 80% and 95% intervals, the method per area chosen by
    /// backtest (never shown as better than seasonal naive unless it was).
    Forecast(ForecastArgs),
    /// The backtest scores of every forecasting method: MAE, RMSE, MASE, interval coverage, and
    /// how well the ranking of areas finds where incidents happen (hit rate, PAI).
    Backtest(ForecastArgs),
    /// Load the bundled demo data (real CBS/Politie and Groningen data) and show its picture.
    Demo,
    /// Serve the dashboard and the JSON API. An empty store first gets the demo data.
    ///
    /// Without accounts (`buurtbeeld user add`) the server listens on a loopback address only,
    /// unless told `--public-only`. TLS is the reverse proxy's job (docs/accounts.md).
    Serve(ServeArgs),
    /// Accounts: add one, change its role, disable or enable it, list them.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// Copy the whole store to a new file, consistently, also while the server runs.
    Backup {
        /// The backup file to write (must not exist yet).
        #[arg(value_name = "FILE")]
        out: PathBuf,
    },
    /// Replace the store by a backup, after checking that the backup is whole.
    Restore {
        #[arg(value_name = "FILE")]
        backup: PathBuf,
    },
    /// The safety plan against the data: KPI progress, BBV indicators, action points, budget.
    Plan {
        /// Plan id (needed when the store holds more than one plan).
        #[arg(long)]
        id: Option<String>,
        #[arg(long, value_enum, default_value_t = PlanFormat::Table)]
        format: PlanFormat,
        /// Write the plan, its action points and its budget as editable files into DIR
        /// (the formats of docs/plan-files.md; `buurtbeeld import` reads them back).
        #[arg(long, value_name = "DIR")]
        export: Option<PathBuf>,
    },
    /// Did it help? The effect of a registered intervention (before/after,
    /// difference-in-differences, synthetic control, displacement into the bordering areas),
    /// or the list of interventions.
    Effect {
        #[arg(long)]
        intervention: Option<String>,
        #[arg(long, value_enum, default_value_t = EffectMethodArg::All)]
        method: EffectMethodArg,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write a council document as PDF or HTML (by the extension of --out): the
    /// Veiligheidsbrief, a wijkprofiel (--area) or the programme chapter Veiligheid.
    Report {
        #[arg(value_enum)]
        document: DocumentArg,
        /// The year the document is about; default: the latest complete year in the store
        /// (programma: the latest year with a budget or action points).
        #[arg(long)]
        year: Option<i32>,
        /// Plan id (needed when the store holds more than one plan).
        #[arg(long)]
        id: Option<String>,
        /// The wijk or buurt of a wijkprofiel: a code (WK001400) or a name.
        #[arg(long, value_parser = area_arg)]
        area: Option<AreaArg>,
        /// The file to write: `.pdf` or `.html`.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// List the themes, or print them as an editable TOML file.
    Themes {
        #[arg(long)]
        toml: bool,
    },
    /// The import log: every file imported, with table, release, rows and checksum.
    Log,
    /// The input formats `import --kind` accepts.
    Formats,
    /// Print every row of the store, sorted (for tests and audits).
    #[command(hide = true)]
    Dump,
}

/// What to look at: a theme or one police category.
#[derive(Debug, clap::Args)]
pub struct SubjectArgs {
    /// Theme id (see `buurtbeeld themes`).
    #[arg(
        long,
        conflicts_with = "category",
        required_unless_present = "category"
    )]
    pub theme: Option<String>,
    /// Police SoortMisdrijf code, e.g. 1.2.3.
    #[arg(long, value_parser = category_code)]
    pub category: Option<CategoryCode>,
}

/// The options of `buurtbeeld series`.
#[derive(Debug, clap::Args)]
pub struct SeriesArgs {
    /// The gemeente: a code (GM…) or a name.
    #[arg(long, value_parser = area_arg)]
    pub area: AreaArg,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// The year of the buurtindeling to show every period on (see the import log for the
    /// indelingen in the store).
    #[arg(long, value_name = "YYYY")]
    pub indeling: i32,
    /// First period shown: a year (YYYY) or a month (YYYY-MM).
    #[arg(long, value_name = "YYYY|YYYY-MM", value_parser = period)]
    pub from: Option<Period>,
    /// Last period shown: a year (YYYY) or a month (YYYY-MM).
    #[arg(long, value_name = "YYYY|YYYY-MM", value_parser = period)]
    pub to: Option<Period>,
    /// Source table, e.g. 47022NED or BVH (default: the best one available).
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The options of `buurtbeeld hotspots`.
#[derive(Debug, clap::Args)]
pub struct HotspotArgs {
    /// The area whose buurten or wijken are analysed: a code (GM…, WK…) or a name.
    #[arg(long, value_parser = area_arg)]
    pub area: AreaArg,
    /// The level of the analysed areas.
    #[arg(long, value_enum, default_value_t = Level::Buurt)]
    pub level: Level,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// A year (YYYY) or a month (YYYY-MM).
    #[arg(long, value_name = "YYYY|YYYY-MM", value_parser = period)]
    pub period: Period,
    /// Neighbours: queen, rook (shared corner/edge), knn:K, distance:METRES.
    #[arg(long, default_value = "queen")]
    pub weights: WeightsRule,
    /// count, or per_1000 (empirical-Bayes smoothed rate per 1.000 inwoners).
    #[arg(long, value_enum, default_value_t = MeasureArg::Count)]
    pub measure: MeasureArg,
    /// For per_1000: the fewest inhabitants an area needs to be analysed (docs/rates-and-maps.md).
    #[arg(
        long,
        default_value_t = buurtbeeld_analysis::MIN_POPULATION_FOR_RATE,
        value_parser = clap::value_parser!(u64).range(1..=1_000_000)
    )]
    pub min_population: u64,
    /// Permutations for the pseudo p-values (1 to 99999).
    #[arg(long, default_value_t = 999, value_parser = clap::value_parser!(u32).range(1..=99_999))]
    pub permutations: u32,
    /// Seed of the permutations (same seed, same p-values).
    #[arg(long, default_value_t = buurtbeeld_analysis::DEFAULT_SEED)]
    pub seed: u64,
    /// Multiple-testing correction: bh (Benjamini-Hochberg FDR), bonferroni or none.
    #[arg(long, value_enum, default_value_t = CorrectionArg::Bh)]
    pub correction: CorrectionArg,
    /// Significance level after correction, between 0 and 1.
    #[arg(long, default_value_t = 0.05, value_parser = alpha)]
    pub alpha: f64,
    /// Periods in the emerging-hotspot window, the requested one included (default 5 years
    /// or 12 months).
    #[arg(long)]
    pub window: Option<usize>,
    /// Source: a police table (47022NED, BVH) or a registration source of the municipality
    /// (e.g. signalen, handhaving); default: the best police table available.
    #[arg(long)]
    pub source: Option<String>,
    /// Show every area in the table (default: every flagged area and at least 10 rows; CSV and
    /// JSON always hold every area).
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// What the point-pattern commands read: which registrations, where and when.
#[derive(Debug, clap::Args)]
pub struct PointsArgs {
    /// The area: a code (GM…, WK…, BU…) or a name.
    #[arg(long, value_parser = area_arg)]
    pub area: AreaArg,
    /// The registration source: BVH (police incidents), or the municipality's own (e.g.
    /// signalen, handhaving).
    #[arg(long, default_value = "BVH")]
    pub source: String,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// First month (YYYY-MM); default: the first registration.
    #[arg(long, value_name = "YYYY-MM", value_parser = month)]
    pub from: Option<Period>,
    /// Last month (YYYY-MM); default: the last registration.
    #[arg(long, value_name = "YYYY-MM", value_parser = month)]
    pub to: Option<Period>,
}

/// The options of `buurtbeeld near-repeat`.
#[derive(Debug, clap::Args)]
pub struct NearRepeatArgs {
    #[command(flatten)]
    pub points: PointsArgs,
    /// Width of a distance band in metres (after the band "same place").
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=5_000))]
    pub distance_step: u32,
    /// Number of distance bands before "and more".
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=20))]
    pub distance_bands: u32,
    /// Width of a time band in days.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=365))]
    pub day_step: u32,
    /// Number of time bands before "and more".
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=52))]
    pub day_bands: u32,
    /// Permutations of the days (the smallest p-value is 1/(permutations + 1)).
    #[arg(long, default_value_t = 999, value_parser = clap::value_parser!(u32).range(1..=99_999))]
    pub permutations: u32,
    /// Seed of the permutations (same seed, same p-values).
    #[arg(long, default_value_t = buurtbeeld_analysis::DEFAULT_SEED)]
    pub seed: u64,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The options of `buurtbeeld density`.
#[derive(Debug, clap::Args)]
pub struct DensityArgs {
    #[command(flatten)]
    pub points: PointsArgs,
    /// Side of a grid cell in metres.
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(10..=5_000))]
    pub cell: u32,
    /// Bandwidth of the Gaussian kernel in metres (its standard deviation).
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(10..=10_000))]
    pub bandwidth: u32,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The options of `buurtbeeld vis`.
#[derive(Debug, clap::Args)]
pub struct VisArgs {
    /// The area: a code (GM…, WK…, BU…) or a name.
    #[arg(long, value_parser = area_arg)]
    pub area: AreaArg,
    /// Theme id (see `buurtbeeld themes`).
    #[arg(long)]
    pub theme: String,
    /// Reports of the same category within this many metres of a problem's first report are
    /// one problem.
    #[arg(long, default_value_t = 50.0, value_parser = dedup_metres)]
    pub dedup_metres: f64,
    /// … and within this many days after it.
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(i32).range(0..=365))]
    pub dedup_days: i32,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

fn dedup_metres(text: &str) -> Result<f64, String> {
    match text.replace(',', ".").parse::<f64>() {
        Ok(m) if (0.0..=5_000.0).contains(&m) => Ok(m),
        _ => Err(format!("'{text}' is geen afstand van 0 tot 5000 meter")),
    }
}

/// The options of `buurtbeeld forecast` and `backtest`.
#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// The area (a code or a name): forecast it, or with --level its buurten or wijken.
    #[arg(long, value_parser = area_arg)]
    pub area: AreaArg,
    /// Forecast the area's buurten, wijken or gemeenten instead of the area itself.
    #[arg(long, value_enum)]
    pub level: Option<Level>,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// The first forecast month (for backtest: evaluate on the 12 months before it); the
    /// history is every month before it. Default: the month after the last figure.
    #[arg(long, value_name = "YYYY-MM", value_parser = month)]
    pub from: Option<Period>,
    /// Months ahead, 1 to 12.
    #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u8).range(1..=12))]
    pub horizon: u8,
    /// auto (one method for all areas, chosen by a backtest pooled over them) or a method name.
    #[arg(long, default_value = "auto")]
    pub method: String,
    /// Source table, e.g. 47022NED or BVH (default: the best one available).
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show every area in the table (default: the 10 with the highest forecast when there are
    /// more; CSV and JSON always hold every area).
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}

impl From<Format> for buurtbeeld_render::OutputFormat {
    fn from(format: Format) -> Self {
        match format {
            Format::Table => buurtbeeld_render::OutputFormat::Table,
            Format::Csv => buurtbeeld_render::OutputFormat::Csv,
            Format::Json => buurtbeeld_render::OutputFormat::Json,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PlanFormat {
    Table,
    Json,
}

impl From<PlanFormat> for buurtbeeld_render::OutputFormat {
    fn from(format: PlanFormat) -> Self {
        match format {
            PlanFormat::Table => buurtbeeld_render::OutputFormat::Table,
            PlanFormat::Json => buurtbeeld_render::OutputFormat::Json,
        }
    }
}

/// The levels a question can be asked at below a gemeente or the country.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Level {
    Buurt,
    Wijk,
    Gemeente,
}

impl From<Level> for AreaLevel {
    fn from(level: Level) -> AreaLevel {
        match level {
            Level::Buurt => AreaLevel::Buurt,
            Level::Wijk => AreaLevel::Wijk,
            Level::Gemeente => AreaLevel::Gemeente,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MeasureArg {
    Count,
    #[value(name = "per_1000")]
    Per1000,
}

impl From<MeasureArg> for Measure {
    fn from(measure: MeasureArg) -> Measure {
        match measure {
            MeasureArg::Count => Measure::Count,
            MeasureArg::Per1000 => Measure::Per1000,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CorrectionArg {
    // Benjamini-Hochberg (false discovery rate); no doc comment, or clap switches to long help.
    #[value(alias = "fdr")]
    Bh,
    Bonferroni,
    None,
}

impl From<CorrectionArg> for Correction {
    fn from(correction: CorrectionArg) -> Correction {
        match correction {
            CorrectionArg::Bh => Correction::BenjaminiHochberg,
            CorrectionArg::Bonferroni => Correction::Bonferroni,
            CorrectionArg::None => Correction::None,
        }
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum EffectMethodArg {
    All,
    BeforeAfter,
    Did,
    Synth,
    Displacement,
}

impl From<EffectMethodArg> for EffectMethod {
    fn from(method: EffectMethodArg) -> EffectMethod {
        match method {
            EffectMethodArg::All => EffectMethod::All,
            EffectMethodArg::BeforeAfter => EffectMethod::BeforeAfter,
            EffectMethodArg::Did => EffectMethod::DifferenceInDifferences,
            EffectMethodArg::Synth => EffectMethod::SyntheticControl,
            EffectMethodArg::Displacement => EffectMethod::Displacement,
        }
    }
}

/// The council documents `report` writes.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DocumentArg {
    Veiligheidsbrief,
    Wijkprofiel,
    Programma,
}

impl From<DocumentArg> for DocumentKind {
    fn from(kind: DocumentArg) -> DocumentKind {
        match kind {
            DocumentArg::Veiligheidsbrief => DocumentKind::Veiligheidsbrief,
            DocumentArg::Wijkprofiel => DocumentKind::Wijkprofiel,
            DocumentArg::Programma => DocumentKind::Programma,
        }
    }
}

/// An area as a user names it: a CBS code (`GM0014`, `WK001400`, `BU00140008`, `NL00`) or a
/// name (`Groningen`, `Binnenstad-Oost`), looked up in the store by [`crate::commands::resolve_area`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AreaArg {
    Code(AreaCode),
    Name(String),
}

fn area_arg(text: &str) -> Result<AreaArg, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(
            "verwacht een gebiedscode (GM0014, WK001400, BU00140008) of een naam".to_owned(),
        );
    }
    match AreaCode::parse(text) {
        Ok(code) => Ok(AreaArg::Code(code)),
        // A prefix and a digit: a code with a typo, not a name.
        Err(e) if looks_like_code(text) => Err(e.to_string()),
        Err(_) => Ok(AreaArg::Name(text.to_owned())),
    }
}

fn looks_like_code(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    ["GM", "WK", "BU", "NL"]
        .iter()
        .any(|prefix| upper.starts_with(prefix))
        && text.as_bytes().get(2).is_some_and(u8::is_ascii_digit)
}

fn gemeente_code(text: &str) -> Result<AreaCode, String> {
    match AreaCode::parse(text) {
        Ok(code) if code.level() == AreaLevel::Gemeente => Ok(code),
        _ => Err(format!("'{text}' is geen gemeentecode zoals GM1581")),
    }
}

fn category_code(text: &str) -> Result<CategoryCode, String> {
    CategoryCode::parse(text).map_err(|e| e.to_string())
}

fn month(text: &str) -> Result<Period, String> {
    match Period::parse_iso(text) {
        Ok(month @ Period::Month { .. }) => Ok(month),
        _ => Err(format!("'{text}' is geen maand zoals 2016-01")),
    }
}

fn period(text: &str) -> Result<Period, String> {
    Period::parse_iso(text).map_err(|_| format!("'{text}' is geen jaar (2015) of maand (2015-06)"))
}

fn alpha(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(alpha) if alpha > 0.0 && alpha < 1.0 => Ok(alpha),
        _ => Err(format!(
            "'{text}' is geen niveau tussen 0 en 1 (0.05 is gebruikelijk)"
        )),
    }
}
