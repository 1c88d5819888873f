//! The command line's grammar (clap derive): every subcommand, its options and their types.

use std::path::PathBuf;

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

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import files (police tables, population, boundaries, BVH exports, themes) in one
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
    },
    /// The crime picture of an area and its child areas for a theme or category.
    Picture {
        /// Area code: GM…, WK… or BU… (NL00 for the country).
        #[arg(long)]
        area: String,
        /// Theme id (see `buurtbeeld themes`).
        #[arg(
            long,
            conflicts_with = "category",
            required_unless_present = "category"
        )]
        theme: Option<String>,
        /// Police SoortMisdrijf code, e.g. 1.2.3.
        #[arg(long)]
        category: Option<String>,
        #[arg(long)]
        year: i32,
        /// One month (YYYY-MM) of the year instead of the whole year.
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
        /// Source table, e.g. 47022NED, 47018NED or BVH (default: the best one available).
        #[arg(long)]
        source: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Where is action needed: hot and cold spots (Getis-Ord Gi*), clusters and outliers (local
    /// Moran), emerging hot spots over recent periods, and spikes against each area's history.
    Hotspots(HotspotArgs),
    /// Monthly forecasts per area with 80% and 95% intervals, the method per area chosen by
    /// backtest (never shown as better than seasonal naive unless it was).
    Forecast(ForecastArgs),
    /// The backtest scores of every forecasting method: MAE, RMSE, MASE, interval coverage, and
    /// how well the ranking of areas finds where incidents happen (hit rate, PAI).
    Backtest(ForecastArgs),
    /// Load the bundled demo data (real CBS/Politie and Groningen data) and show its picture.
    Demo,
    /// Serve the dashboard and the JSON API. An empty store first gets the demo data.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
    },
    /// The safety plan against the data: KPI progress, BBV indicators, action points, budget.
    Plan {
        /// Plan id (needed when the store holds more than one plan).
        #[arg(long)]
        id: Option<String>,
        #[arg(long, default_value = "table", value_parser = ["table", "json"])]
        format: String,
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
        #[arg(
            long,
            default_value = "all",
            value_parser = ["all", "before-after", "did", "synth", "displacement"]
        )]
        method: String,
        #[arg(long, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Write a council document as PDF or HTML (by the extension of --out): the
    /// Veiligheidsbrief, a wijkprofiel (--area) or the programme chapter Veiligheid.
    Report {
        #[arg(value_parser = ["veiligheidsbrief", "wijkprofiel", "programma"])]
        document: String,
        /// The year the document is about; default: the latest complete year in the store
        /// (programma: the latest year with a budget or action points).
        #[arg(long)]
        year: Option<i32>,
        /// Plan id (needed when the store holds more than one plan).
        #[arg(long)]
        id: Option<String>,
        /// The wijk or buurt of a wijkprofiel, e.g. WK001400.
        #[arg(long)]
        area: Option<String>,
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
    #[arg(long)]
    pub category: Option<String>,
}

/// The options of `buurtbeeld hotspots`.
#[derive(Debug, clap::Args)]
pub struct HotspotArgs {
    /// The area whose buurten or wijken are analysed: GM…, WK….
    #[arg(long)]
    pub area: String,
    /// The level of the analysed areas.
    #[arg(long, default_value = "buurt", value_parser = ["buurt", "wijk", "gemeente"])]
    pub level: String,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// A year (YYYY) or a month (YYYY-MM).
    #[arg(long, value_name = "YYYY|YYYY-MM")]
    pub period: String,
    /// Neighbours: queen, rook (shared corner/edge), knn:K, distance:METRES.
    #[arg(long, default_value = "queen")]
    pub weights: String,
    /// count, or per_1000 (empirical-Bayes smoothed rate per 1.000 inwoners).
    #[arg(long, default_value = "count")]
    pub measure: String,
    /// Permutations for the pseudo p-values.
    #[arg(long, default_value_t = 999)]
    pub permutations: usize,
    /// Seed of the permutations (same seed, same p-values).
    #[arg(long, default_value_t = buurtbeeld_analysis::DEFAULT_SEED)]
    pub seed: u64,
    /// Multiple-testing correction: bh (Benjamini-Hochberg FDR), bonferroni or none.
    #[arg(long, default_value = "bh")]
    pub correction: String,
    /// Significance level after correction.
    #[arg(long, default_value_t = 0.05)]
    pub alpha: f64,
    /// Periods in the emerging-hotspot window, the requested one included (default 5 years
    /// or 12 months).
    #[arg(long)]
    pub window: Option<usize>,
    /// Source table, e.g. 47022NED or BVH (default: the best one available).
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// The options of `buurtbeeld forecast` and `backtest`.
#[derive(Debug, clap::Args)]
pub struct ForecastArgs {
    /// The area: forecast it, or with --level its buurten or wijken.
    #[arg(long)]
    pub area: String,
    /// Forecast the area's buurten, wijken or gemeenten instead of the area itself.
    #[arg(long, value_parser = ["buurt", "wijk", "gemeente"])]
    pub level: Option<String>,
    #[command(flatten)]
    pub subject: SubjectArgs,
    /// The first forecast month (for backtest: evaluate on the 12 months before it); the
    /// history is every month before it.
    #[arg(long, value_name = "YYYY-MM")]
    pub from: String,
    /// Months ahead, 1 to 12.
    #[arg(long, default_value_t = 12)]
    pub horizon: usize,
    /// auto (chosen per area by backtest) or a method name.
    #[arg(long, default_value = "auto")]
    pub method: String,
    /// Source table, e.g. 47022NED or BVH (default: the best one available).
    #[arg(long)]
    pub source: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
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
