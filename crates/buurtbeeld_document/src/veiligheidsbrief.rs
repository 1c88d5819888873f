//! The Veiligheidsbrief: the yearly letter to the council. Its key messages first (what
//! changed more than chance, which goals are behind, what the interventions did), then the
//! crime picture of the year per theme (with which changes are more than chance), KPI progress,
//! the BBV indicators, the accountability for the year's action points, the priorities for the
//! next year, and the budget with its realisation.

use buurtbeeld_cube::{AreaCode, AreaLevel, BudgetColumn, BudgetYear, Theme, DUTCH_MONTHS};
use buurtbeeld_store::Store;

use crate::DocumentError;

use crate::document::{Block, DocTable, Document, Tone};
use crate::own_sources::own_sources_section;
use buurtbeeld_analysis::trend;
use buurtbeeld_analysis::{
    area_attribution, complete_year_picture, picture, small_population_note, PictureRequest,
    Subject,
};
use buurtbeeld_analysis::{effect, EffectMethod, EffectReport, Verdict};
use buurtbeeld_analysis::{known_plan_report, KpiStatus, PlanReport};
use buurtbeeld_cube::dutch::{decimal, integer, p_phrase, percent, period, plural, signed};
use buurtbeeld_render::effect::{
    displacement_reading, effect_chart, verdict_estimate, verdict_text,
};
use buurtbeeld_render::map::default_measure;
use buurtbeeld_render::picture_map;
use buurtbeeld_render::plan::kpi_decimals;
use buurtbeeld_render::svg::{line_chart, Line};

pub(crate) const NO_FIGURE: &str = "–";

/// The brief of plan `plan_id` about `year` (default: the latest complete year with figures for
/// the plan's gemeente). `today` is the date line, e.g. `23 november 2026`.
pub fn veiligheidsbrief(
    store: &Store,
    plan_id: &str,
    year: Option<i32>,
    today: &str,
) -> Result<Document, DocumentError> {
    let report = known_plan_report(store, plan_id)?;
    let year = match year.or_else(|| report.complete_years.last().copied()) {
        Some(year) => year,
        None => {
            return Err(DocumentError::NoCompleteYear(
                report.plan.municipality.clone(),
            ))
        }
    };
    let plan = &report.plan;
    let by_theme = year_by_theme(store, &plan.municipality, year)?;
    let effects = intervention_effects(store, &report, year)?;
    let mut blocks = vec![
        Block::Heading(1, "Kernboodschappen".to_owned()),
        Block::Bullets(key_messages(&by_theme.changes, &report, &effects, year)),
        Block::Contents,
        Block::Heading(1, "Inleiding".to_owned()),
        Block::Paragraph(format!(
            "Met deze Veiligheidsbrief informeren wij de raad over de veiligheid in {} in {year}: \
             het criminaliteitsbeeld per thema, de voortgang op de doelen van het {}, de \
             verantwoording van de actiepunten van {year}, de prioriteiten voor {} en de \
             begroting met de realisatie.",
            report.municipality_name,
            plan.name,
            year + 1
        )),
    ];
    if let Some(source) = &plan.source {
        blocks.push(Block::Paragraph(format!("Over het plan: {source}")));
    }
    blocks.extend(crime_picture_of(
        store,
        &plan.municipality,
        &report.municipality_name,
        year,
        by_theme,
    )?);
    blocks.extend(own_sources_section(
        store,
        &plan.municipality,
        &report.municipality_name,
        year,
    )?);
    blocks.extend(goals(&report));
    blocks.extend(bbv(&report));
    blocks.extend(accountability(&report, year));
    blocks.extend(interventions(&effects));
    blocks.extend(priorities(&report, year + 1));
    blocks.extend(budget(&report, year));
    blocks.extend(changes(&report, year));
    blocks.push(Block::Heading(1, "Bronnen en werkwijze".to_owned()));
    let credits = area_attribution(store, &plan.municipality)?;
    let mut notes = sources(&credits);
    notes.extend([
        "Een doel is 'op koers' als de laatste volledige jaarwaarde op of voorbij de rechte \
         lijn van de basiswaarde naar de streefwaarde ligt; 'behaald' als zij de streefwaarde \
         zelf haalt."
            .to_owned(),
        "Begrotingsbedragen staan zoals aangeleverd; een TOTAAL-regel die niet gelijk is aan de \
         som van de regels wordt gemeld, niet gecorrigeerd."
            .to_owned(),
    ]);
    blocks.push(Block::Bullets(notes));
    Ok(Document {
        title: format!("Veiligheidsbrief {year}"),
        subtitle: format!("{}: {}", report.municipality_name, plan.name),
        date: today.to_owned(),
        attribution: format!("{credits} · buurtbeeld · {}", plan.name),
        blocks,
    })
}

/// Where the figures come from and what "significant" means, for every document.
pub(crate) fn sources(credits: &str) -> Vec<String> {
    vec![
        format!(
            "Criminaliteitscijfers: geregistreerde misdrijven van de politie ({credits}), zoals \
             geïmporteerd in buurtbeeld."
        ),
        "Een verandering heet significant als de kans dat zij bij gelijkblijvende \
         omstandigheden toevallig zo groot uitvalt kleiner is dan 5% (exacte Poisson-toets, \
         tweezijdig)."
            .to_owned(),
    ]
}

/// Today as Dutch text, e.g. `23 november 2026`.
pub fn dutch_date(year: i32, month: u8, day: u8) -> String {
    let month_name = DUTCH_MONTHS
        .get(usize::from(month).saturating_sub(1))
        .copied()
        .unwrap_or("");
    format!("{day} {month_name} {year}")
}

/// The crime picture of `area` in `year` per theme: a table with the change against the year
/// before and whether it is more than chance, the monthly course of the busiest theme and its
/// map per buurt.
pub(crate) fn crime_picture(
    store: &Store,
    area: &AreaCode,
    area_name: &str,
    year: i32,
) -> Result<Vec<Block>, DocumentError> {
    let by_theme = year_by_theme(store, area, year)?;
    crime_picture_of(store, area, area_name, year, by_theme)
}

/// [`crime_picture`] from the figures per theme already read.
fn crime_picture_of(
    store: &Store,
    area: &AreaCode,
    area_name: &str,
    year: i32,
    by_theme: YearByTheme,
) -> Result<Vec<Block>, DocumentError> {
    let YearByTheme {
        rows,
        significant,
        mut counts,
        too_few_inhabitants,
        ..
    } = by_theme;
    let credits = area_attribution(store, area)?;
    let mut blocks = vec![Block::Heading(1, format!("Criminaliteitsbeeld {year}"))];
    if rows.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "De database bevat geen volledige jaarcijfers voor {} in {year}.",
            area_name
        )));
        return Ok(blocks);
    }
    blocks.push(Block::Paragraph(format!(
        "Geregistreerde misdrijven in {} per thema in {year}, vergeleken met {}. Alleen \
         thema's waarvoor cijfers zijn geïmporteerd staan in de tabel.",
        area_name,
        year - 1
    )));
    blocks.push(Block::Table(theme_table(rows, area_name, year, &credits)));
    if let Some(minimum) = too_few_inhabitants {
        blocks.push(Block::Paragraph(small_population_note(minimum)));
    }
    blocks.extend(significant_changes(significant));

    // The busiest theme: its monthly course and where in the gemeente it happens.
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    if let Some((theme, _)) = counts.first() {
        let subject = Subject::Theme(theme.id.clone());
        blocks.push(Block::Heading(
            2,
            format!("{}: verloop en spreiding", theme.name),
        ));
        blocks.push(monthly_course(
            store,
            area,
            area_name,
            &subject,
            &theme.name,
            year,
        )?);
        if let Some(map) = buurt_map(store, area, &subject, &theme.name, year)? {
            blocks.push(map);
        }
    }
    Ok(blocks)
}

/// The themes with complete figures for one area and year.
struct YearByTheme {
    /// Per theme: name, count the year before, count, change, per 1.000, significant.
    rows: Vec<Vec<String>>,
    /// The changes that are more than chance, one sentence each.
    significant: Vec<String>,
    /// Every theme in `rows` with its count.
    counts: Vec<(Theme, u64)>,
    /// The minimum population for a rate, when the area has fewer inhabitants (no rate shown).
    too_few_inhabitants: Option<u64>,
    /// Every theme's change against the year before, for the key messages.
    changes: Vec<ThemeChange>,
}

/// One theme's count in the year against the year before.
struct ThemeChange {
    theme: String,
    previous: u64,
    count: u64,
    change_pct: f64,
    significant: bool,
}

/// Every theme with police categories and a complete `year` of figures for `area`, against the
/// year before.
fn year_by_theme(store: &Store, area: &AreaCode, year: i32) -> Result<YearByTheme, DocumentError> {
    let mut result = YearByTheme {
        rows: Vec::new(),
        significant: Vec::new(),
        counts: Vec::new(),
        too_few_inhabitants: None,
        changes: Vec::new(),
    };
    for theme in store.themes()? {
        if theme.bbv_indicator.is_some() || theme.categories.is_empty() {
            continue;
        }
        let subject = Subject::Theme(theme.id.clone());
        let Some(picture) = complete_year_picture(store, area, &subject, year)? else {
            continue;
        };
        let own = &picture.rows[0];
        let Some(count) = own.count else { continue };
        if own.too_few_inhabitants {
            result.too_few_inhabitants = Some(buurtbeeld_analysis::MIN_POPULATION_FOR_RATE);
        }
        if own.significant == Some(true) {
            result.significant.push(format!(
                "{}: {} ({} → {}, {})",
                theme.name,
                own.change_pct.map_or(NO_FIGURE.to_owned(), percent),
                own.previous_count.map_or(NO_FIGURE.to_owned(), integer),
                integer(count),
                own.p_value.map_or(NO_FIGURE.to_owned(), p_phrase)
            ));
        }
        if let (Some(previous), Some(change_pct)) = (own.previous_count, own.change_pct) {
            result.changes.push(ThemeChange {
                theme: theme.name.clone(),
                previous,
                count,
                change_pct,
                significant: own.significant == Some(true),
            });
        }
        result.rows.push(vec![
            theme.name.clone(),
            own.previous_count.map_or(NO_FIGURE.to_owned(), integer),
            integer(count),
            own.change_pct.map_or(NO_FIGURE.to_owned(), percent),
            own.per_1000.map_or(NO_FIGURE.to_owned(), |r| decimal(r, 1)),
            match own.significant {
                Some(true) => "ja".to_owned(),
                Some(false) => "nee".to_owned(),
                None => NO_FIGURE.to_owned(),
            },
        ]);
        result.counts.push((theme, count));
    }
    Ok(result)
}

/// The table of [`YearByTheme::rows`].
fn theme_table(rows: Vec<Vec<String>>, area_name: &str, year: i32, credits: &str) -> DocTable {
    DocTable {
        tones: Vec::new(),
        headers: vec![
            "Thema".into(),
            format!("{}", year - 1),
            format!("{year}"),
            "Verschil".into(),
            "Per 1.000 inw.".into(),
            "Significant".into(),
        ],
        numeric: vec![false, true, true, true, true, false],
        widths: Some(vec![4, 2, 2, 2, 2, 2]),
        rows,
        caption: Some(format!(
            "Criminaliteit per thema, {area_name} {year} ({credits})"
        )),
    }
}

/// Which changes are more than chance, or that none is.
fn significant_changes(significant: Vec<String>) -> Vec<Block> {
    if significant.is_empty() {
        return vec![Block::Paragraph(
            "Geen van de veranderingen ten opzichte van het jaar ervoor is groter dan toeval kan \
             verklaren."
                .to_owned(),
        )];
    }
    vec![
        Block::Paragraph("Veranderingen die groter zijn dan toeval kan verklaren:".to_owned()),
        Block::Bullets(significant),
    ]
}

/// A line chart of the theme per month in `year` and the two years before.
fn monthly_course(
    store: &Store,
    area: &AreaCode,
    area_name: &str,
    subject: &Subject,
    label: &str,
    year: i32,
) -> Result<Block, DocumentError> {
    let course = trend(store, area, subject)?;
    let points: Vec<_> = course
        .points
        .iter()
        .filter(|p| (year - 2..=year).contains(&p.period.calendar_year()))
        .collect();
    let values: Vec<Option<f64>> = points.iter().map(|p| p.count.map(|c| c as f64)).collect();
    let labels: Vec<String> = points
        .iter()
        .map(|p| period::period_short(p.period))
        .collect();
    Ok(Block::figure(
        line_chart(
            &[Line {
                name: label,
                values: &values,
                dashed: false,
                band: None,
            }],
            &labels,
            &format!("{label} per maand, {}–{year}", year - 2),
            "aantal",
        ),
        format!(
            "{label} in {area_name} per maand, {}–{year} ({})",
            year - 2,
            course.attribution
        ),
    ))
}

/// A map of the theme per buurt: the smoothed rate per 1.000 inwoners (or counts, without
/// population), the measure the dashboard shows by default (`default_measure`).
fn buurt_map(
    store: &Store,
    area: &AreaCode,
    subject: &Subject,
    label: &str,
    year: i32,
) -> Result<Option<Block>, DocumentError> {
    let request = PictureRequest {
        level: Some(AreaLevel::Buurt),
        ..PictureRequest::year(area, subject, year)
    };
    let Ok(picture) = picture(store, &request) else {
        return Ok(None);
    };
    let buurten = &picture.rows[1..];
    let measure = default_measure(buurten);
    let mut geometries = std::collections::BTreeMap::new();
    for row in buurten {
        if let Some(geometry) = store.area_geometry(&row.code)? {
            geometries.insert(row.code.clone(), geometry);
        }
    }
    let title = format!("{label} per buurt, {year}");
    let Some(svg) = picture_map(
        buurten,
        |code| geometries.get(code).cloned(),
        |_| None,
        measure,
        &title,
    ) else {
        return Ok(None);
    };
    let small = match measure.no_figure_label() {
        Some(label) if buurten.iter().any(|r| r.too_few_inhabitants) => {
            format!("; gestippeld: {}", label.to_lowercase())
        }
        _ => String::new(),
    };
    Ok(Some(Block::figure(
        svg,
        format!(
            "{label} per buurt in {year}, {}{small}; grijs gearceerd: geen gegevens ({})",
            measure.caption(),
            picture.attribution
        ),
    )))
}

fn goals(report: &PlanReport) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(1, "Doelen en voortgang".to_owned())];
    if report.kpis.is_empty() {
        blocks.push(Block::Paragraph(
            "Het plan bevat geen meetbare doelen.".to_owned(),
        ));
        return blocks;
    }
    blocks.push(Block::Table(goals_table(report)));
    blocks
}

/// The plan's goals with baseline, latest complete year, target and status.
pub fn goals_table(report: &PlanReport) -> DocTable {
    let rows = report
        .kpis
        .iter()
        .map(|kpi| {
            let places = kpi_decimals(kpi.goal.measure);
            vec![
                kpi.goal.description.clone(),
                kpi.area_name.clone(),
                format!(
                    "{} ({})",
                    kpi.baseline
                        .map_or(NO_FIGURE.to_owned(), |v| decimal(v, places)),
                    kpi.goal.baseline_year
                ),
                kpi.latest.map_or(NO_FIGURE.to_owned(), |(y, v)| {
                    format!("{} ({y})", decimal(v, places))
                }),
                format!(
                    "{} ({})",
                    decimal(kpi.goal.target, places),
                    kpi.goal.target_year
                ),
                kpi.status.label().to_owned(),
            ]
        })
        .collect();
    let tones = report
        .kpis
        .iter()
        .enumerate()
        .filter_map(|(row, kpi)| Some((row, 5, status_tone(kpi.status)?)))
        .collect();
    DocTable {
        tones,
        headers: vec![
            "Doel".into(),
            "Gebied".into(),
            "Basis".into(),
            "Laatst".into(),
            "Streefwaarde".into(),
            "Stand".into(),
        ],
        numeric: vec![false, false, true, true, true, false],
        widths: Some(vec![5, 2, 2, 2, 2, 2]),
        rows,
        caption: Some("Doelen van het plan en hun stand in het laatste volledige jaar".into()),
    }
}

/// The colour of a goal's status, beside its label: reached or on course green, behind its
/// course amber, missed red.
pub fn status_tone(status: KpiStatus) -> Option<Tone> {
    match status {
        KpiStatus::Achieved | KpiStatus::OnTrack => Some(Tone::Good),
        KpiStatus::OffTrack => Some(Tone::Caution),
        KpiStatus::NotAchieved => Some(Tone::Bad),
        KpiStatus::NoData => None,
    }
}

fn bbv(report: &PlanReport) -> Vec<Block> {
    let Some(table) = bbv_table(report) else {
        return Vec::new();
    };
    vec![
        Block::Heading(1, "BBV-indicatoren taakveld Veiligheid".to_owned()),
        Block::Paragraph(BBV_NOTE.to_owned()),
        Block::Table(table),
    ]
    .into_iter()
    .chain(report.bbv_notes.iter().cloned().map(Block::Paragraph))
    .collect()
}

/// What the BBV table shows, for documents and pages.
pub const BBV_NOTE: &str = "De verplichte beleidsindicatoren (Besluit begroting en \
    verantwoording), berekend uit de geïmporteerde politiecijfers en inwoneraantallen. Een \
    streepje: de cijfers zijn niet geïmporteerd (Halt-verwijzingen komen van Halt, niet van de \
    politie).";

/// The statutory indicators per year, each with Nederland's line below it where the store has
/// it; `None` without years or indicators.
pub fn bbv_table(report: &PlanReport) -> Option<DocTable> {
    if report.bbv_years.is_empty() || report.bbv.is_empty() {
        return None;
    }
    let mut headers = vec!["Indicator".to_owned()];
    headers.extend(report.bbv_years.iter().map(ToString::to_string));
    let line = |label: String, values: &[(i32, Option<f64>)]| {
        let mut row = vec![label];
        row.extend(
            values
                .iter()
                .map(|(_, v)| v.map_or(NO_FIGURE.to_owned(), |v| decimal(v, 1))),
        );
        row
    };
    let mut rows = Vec::new();
    for indicator in &report.bbv {
        rows.push(line(indicator.label.clone(), &indicator.values));
        if indicator.national.iter().any(|(_, v)| v.is_some()) {
            rows.push(line("– Nederland".to_owned(), &indicator.national));
        }
    }
    let mut numeric = vec![false];
    numeric.extend(report.bbv_years.iter().map(|_| true));
    Some(DocTable {
        tones: Vec::new(),
        headers,
        numeric,
        widths: None,
        rows,
        caption: Some("BBV-indicatoren per jaar, met het landelijke cijfer".into()),
    })
}

fn accountability(report: &PlanReport, year: i32) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(
        1,
        format!("Verantwoording actiepunten {year}"),
    )];
    let Some(set) = report.actions.iter().find(|s| s.year == year) else {
        blocks.push(Block::Paragraph(format!(
            "Voor {year} zijn geen actiepunten vastgelegd."
        )));
        return blocks;
    };
    blocks.push(Block::Paragraph(action_summary(set)));
    blocks.push(Block::Table(action_table(report, set)));
    blocks
}

/// The measured effect of every intervention of the gemeente that had started by the end of
/// `year`, by every estimator.
fn intervention_effects(
    store: &Store,
    report: &PlanReport,
    year: i32,
) -> Result<Vec<EffectReport>, DocumentError> {
    let mut effects = Vec::new();
    for intervention in store.interventions()? {
        let started = intervention.start.calendar_year() <= year;
        if intervention.municipality != report.plan.municipality || !started {
            continue;
        }
        effects.push(effect(store, &intervention.id, EffectMethod::All)?);
    }
    Ok(effects)
}

/// Each intervention's verdicts and the chart of registered against expected.
fn interventions(effects: &[EffectReport]) -> Vec<Block> {
    let mut blocks = Vec::new();
    for effect in effects {
        let intervention = &effect.intervention;
        if blocks.is_empty() {
            blocks.push(Block::Heading(1, "Effect van interventies".to_owned()));
            blocks.push(Block::Paragraph(
                "Per interventie drie vergelijkingen, van zwak naar sterk: voor/na in de eigen \
                 gebieden, verschil-in-verschillen met vergelijkbare gebieden, en een \
                 synthetische controle met placebotoets. Daarna de aangrenzende gebieden: schoof \
                 de criminaliteit op (verplaatsing) of sloeg het effect over (uitstraling)? Waar \
                 de gegevens geen uitspraak dragen, staat dat er."
                    .to_owned(),
            ));
        }
        blocks.push(Block::Heading(2, intervention.name.clone()));
        let areas: Vec<&str> = effect
            .treated
            .iter()
            .map(|(_, name)| name.as_str())
            .collect();
        blocks.push(Block::Paragraph(format!(
            "{} ({}), {}, in {}.",
            effect.subject_label,
            intervention.kind.label(),
            intervention.period_text(),
            areas.join(", ")
        )));
        let mut bullets: Vec<String> = effect
            .estimates
            .iter()
            .map(|e| format!("{}: {}", e.label, verdict_text(e, &effect.subject_label)))
            .collect();
        if let Some(displacement) = &effect.displacement {
            let e = &displacement.estimate;
            bullets.push(format!(
                "{}: {} {}",
                e.label,
                verdict_text(e, &effect.subject_label),
                displacement_reading(e)
            ));
        }
        blocks.push(Block::Bullets(bullets));
        blocks.push(Block::figure(
            effect_chart(
                effect,
                &format!("{}: geregistreerd en verwacht", intervention.name),
            ),
            format!(
                "{}: geregistreerd en verwacht zonder interventie per maand ({})",
                intervention.name, effect.attribution
            ),
        ));
    }
    blocks
}

/// At most this many key messages open the brief.
const MAX_KEY_MESSAGES: usize = 5;

/// What matters in `year`, in at most [`MAX_KEY_MESSAGES`] plain sentences, most important
/// first: the changes per theme that are more than chance (largest change in registrations
/// first), the goals not reached and those behind their course, then the interventions' measured
/// effect. Every sentence restates a figure of a later chapter; none is new. With nothing
/// significant the first message says so, so there is always at least one.
fn key_messages(
    changes: &[ThemeChange],
    report: &PlanReport,
    effects: &[EffectReport],
    year: i32,
) -> Vec<String> {
    let mut messages = Vec::new();
    let mut significant: Vec<&ThemeChange> = changes.iter().filter(|c| c.significant).collect();
    significant.sort_by(|a, b| {
        let size = |c: &ThemeChange| c.count.abs_diff(c.previous);
        size(b).cmp(&size(a)).then_with(|| a.theme.cmp(&b.theme))
    });
    for change in significant.iter().take(3) {
        let (verb, share) = if change.count < change.previous {
            ("daalde", change.change_pct.abs())
        } else {
            ("steeg", change.change_pct.abs())
        };
        messages.push(format!(
            "{} {verb} in {year} met {}% tot {} geregistreerde misdrijven; dat is meer dan toeval.",
            change.theme,
            decimal(share, 1),
            integer(change.count)
        ));
    }
    if significant.is_empty() && !changes.is_empty() {
        messages.push(format!(
            "Geen thema veranderde in {year} meer dan toeval kan verklaren ten opzichte van {}.",
            year - 1
        ));
    }
    messages.extend(goal_messages(report));
    for effect in effects {
        if let Some(message) = effect_message(effect) {
            messages.push(message);
        }
    }
    if messages.is_empty() {
        messages.push(format!(
            "Voor {year} zijn er geen cijfers per thema, doelen of interventies om over te \
             rapporteren."
        ));
    }
    messages.truncate(MAX_KEY_MESSAGES);
    messages
}

/// The goals not reached, then those behind their course (each by their description), at most
/// two by name and the rest counted; or that every goal with figures is on course.
fn goal_messages(report: &PlanReport) -> Vec<String> {
    let mut behind: Vec<&buurtbeeld_analysis::KpiProgress> = report
        .kpis
        .iter()
        .filter(|k| matches!(k.status, KpiStatus::NotAchieved | KpiStatus::OffTrack))
        .collect();
    behind.sort_by(|a, b| {
        let rank = |k: &buurtbeeld_analysis::KpiProgress| k.status != KpiStatus::NotAchieved;
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.goal.description.cmp(&b.goal.description))
    });
    let measured = report
        .kpis
        .iter()
        .filter(|k| k.status != KpiStatus::NoData)
        .count();
    if behind.is_empty() {
        return if measured == 0 {
            Vec::new()
        } else {
            vec![format!(
                "{} met cijfers {} behaald of op koers.",
                if measured == 1 {
                    "Het enige doel".to_owned()
                } else {
                    format!("Alle {measured} doelen")
                },
                if measured == 1 { "is" } else { "zijn" }
            )]
        };
    }
    let mut messages: Vec<String> = behind
        .iter()
        .take(2)
        .map(|kpi| {
            let places = kpi_decimals(kpi.goal.measure);
            let latest = kpi.latest.map_or(String::new(), |(y, v)| {
                format!(
                    " ({} in {y}, streefwaarde {})",
                    decimal(v, places),
                    decimal(kpi.goal.target, places)
                )
            });
            let state = if kpi.status == KpiStatus::NotAchieved {
                "is niet behaald"
            } else {
                "ligt niet op koers"
            };
            format!(
                "Het doel '{}' {state}{latest}.",
                kpi.goal.description.trim_end_matches('.')
            )
        })
        .collect();
    let more = behind.len().saturating_sub(2);
    if more > 0 {
        let (lies, is) = if more == 1 {
            ("ligt", "is")
        } else {
            ("liggen", "zijn")
        };
        messages.push(format!(
            "Nog {} {lies} niet op koers of {is} niet behaald (hoofdstuk Doelen en voortgang).",
            plural(more, "doel", "doelen")
        ));
    }
    messages
}

/// An intervention's effect by the estimator its verdict rests on (the dashboard's, see
/// `render::verdict_estimate`).
fn effect_message(effect: &EffectReport) -> Option<String> {
    let estimate = verdict_estimate(effect)?;
    let Verdict::Estimate {
        percent: percent_change,
        distinguishable,
        ..
    } = estimate.verdict
    else {
        return None;
    };
    let direction = if percent_change < 0.0 {
        "minder"
    } else {
        "meer"
    };
    Some(format!(
        "{}: {}% {direction} {} dan verwacht ({}); dat is {}.",
        effect.intervention.name,
        decimal(percent_change.abs(), 1),
        effect.subject_label.to_lowercase(),
        estimate.label,
        if distinguishable {
            "meer dan toeval"
        } else {
            "niet te onderscheiden van toeval"
        }
    ))
}

fn priorities(report: &PlanReport, next: i32) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(1, format!("Prioriteiten en acties {next}"))];
    let priority_themes: Vec<String> = report
        .plan
        .themes
        .iter()
        .filter(|t| t.priority)
        .map(|t| t.name.clone())
        .collect();
    if !priority_themes.is_empty() {
        blocks.push(Block::Paragraph(format!(
            "De prioritaire thema's van het plan: {}.",
            priority_themes.join(", ")
        )));
    }
    match report.actions.iter().find(|s| s.year == next) {
        Some(set) => blocks.push(Block::Table(action_table(report, set))),
        None => blocks.push(Block::Paragraph(format!(
            "Voor {next} zijn nog geen actiepunten vastgelegd."
        ))),
    }
    blocks
}

/// "Wat wilden we doen en wat hebben we gedaan: 16 actiepunten (6 gerealiseerd, …)."
pub fn action_summary(set: &buurtbeeld_cube::ActionSet) -> String {
    let counts: Vec<String> = buurtbeeld_cube::ActionStatus::ALL
        .iter()
        .filter_map(|status| {
            let n = set.actions.iter().filter(|a| a.status == *status).count();
            (n > 0).then(|| format!("{n} {}", status.label()))
        })
        .collect();
    format!(
        "Wat wilden we doen en wat hebben we gedaan: {} actiepunten ({}).",
        set.actions.len(),
        counts.join(", ")
    )
}

/// The action points of one year: what was planned, what was done, and the status.
pub fn action_table(report: &PlanReport, set: &buurtbeeld_cube::ActionSet) -> DocTable {
    let theme_names = |ids: &[String]| -> String {
        ids.iter()
            .map(|id| {
                report
                    .plan
                    .theme(id)
                    .map_or_else(|| id.clone(), |t| t.name.clone())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    DocTable {
        tones: Vec::new(),
        headers: vec![
            "Nr.".into(),
            "Thema".into(),
            "Wat wilden we doen".into(),
            "Wat hebben we gedaan".into(),
            "Status".into(),
        ],
        numeric: vec![true, false, false, false, false],
        widths: Some(vec![1, 3, 7, 7, 3]),
        rows: set
            .actions
            .iter()
            .map(|a| {
                vec![
                    a.number.to_string(),
                    theme_names(&a.themes),
                    a.planned.clone(),
                    if a.done.is_empty() {
                        NO_FIGURE.to_owned()
                    } else {
                        a.done.clone()
                    },
                    a.status.label().to_owned(),
                ]
            })
            .collect(),
        caption: Some(format!("Actiepunten {}", set.year)),
    }
}

fn budget(report: &PlanReport, year: i32) -> Vec<Block> {
    let mut blocks = vec![Block::Heading(1, format!("Begroting en realisatie {year}"))];
    let Some(budget) = report.budget.iter().find(|b| b.year == year) else {
        blocks.push(Block::Paragraph(format!(
            "Voor {year} is geen begroting geïmporteerd."
        )));
        return blocks;
    };
    blocks.push(Block::Table(budget_table(report, budget)));
    blocks.extend(mismatch_notes(budget).into_iter().map(Block::Paragraph));
    blocks
}

/// One sentence per column whose lines do not add up to the source's TOTAAL line.
pub fn mismatch_notes(budget: &BudgetYear) -> Vec<String> {
    budget
        .mismatches()
        .iter()
        .map(|mismatch| {
            format!(
                "Let op: in {} tellen de regels in de kolom {} op tot {}, terwijl de \
                 TOTAAL-regel van de bron {} vermeldt. Het verschil is niet gecorrigeerd.",
                mismatch.year,
                mismatch.column.label(),
                signed(mismatch.lines_sum),
                signed(mismatch.stated)
            )
        })
        .collect()
}

/// The budget lines of one year with the sum of the lines and the source's TOTAAL line.
pub fn budget_table(report: &PlanReport, budget: &BudgetYear) -> DocTable {
    let amount = |value: Option<i64>| value.map_or(NO_FIGURE.to_owned(), signed);
    let mut rows: Vec<Vec<String>> = budget
        .lines
        .iter()
        .map(|line| {
            vec![
                line.product.clone(),
                format!("{} {}", line.taakveld.code(), line.taakveld.label()),
                amount(line.amounts.budgeted),
                amount(line.amounts.amended),
                amount(line.amounts.realised),
            ]
        })
        .collect();
    rows.push(vec![
        "Totaal van de regels".into(),
        String::new(),
        amount(budget.sum(BudgetColumn::Budgeted)),
        amount(budget.sum(BudgetColumn::Amended)),
        amount(budget.sum(BudgetColumn::Realised)),
    ]);
    if let Some(stated) = budget.stated_total {
        rows.push(vec![
            "TOTAAL volgens bron".into(),
            String::new(),
            amount(stated.budgeted),
            amount(stated.amended),
            amount(stated.realised),
        ]);
    }
    DocTable {
        tones: Vec::new(),
        headers: vec![
            "Deelproduct".into(),
            "Taakveld".into(),
            "Begroot".into(),
            "Na wijziging".into(),
            "Realisatie".into(),
        ],
        numeric: vec![false, false, true, true, true],
        widths: Some(vec![5, 5, 2, 2, 2]),
        rows,
        caption: Some(format!(
            "Begroting {} per deelproduct, {} ({})",
            budget.year,
            budget.unit.label(),
            report.plan.name
        )),
    }
}

fn changes(report: &PlanReport, year: i32) -> Vec<Block> {
    let items: Vec<String> = report
        .plan
        .changes
        .iter()
        .filter(|c| c.date.starts_with(&year.to_string()))
        .map(|c| {
            format!(
                "{} {} – {}: {}",
                buurtbeeld_cube::dutch::period::day_text(&c.date),
                c.kind.label(),
                c.subject,
                c.reason
            )
        })
        .collect();
    if items.is_empty() {
        return Vec::new();
    }
    vec![
        Block::Heading(1, format!("Wijzigingen in het plan in {year}")),
        Block::Bullets(items),
    ]
}
