//! The municipality's own registrations in the council documents: per theme the police
//! registrations, enforcement and residents' reports of one year side by side, with whether
//! they move together (the VIS, `analysis::vis`, summed over the year).

use buurtbeeld_analysis::{vis, AnswerError, DedupRule, Refusal, Vis, VisRequest};
use buurtbeeld_cube::dutch::integer;
use buurtbeeld_cube::{AreaCode, SourceKind};
use buurtbeeld_store::Store;

use crate::document::{Block, DocTable};
use crate::DocumentError;

/// The year's figures of one theme, per kind of source; `None` where no source of the kind
/// covers the whole year.
struct ThemeYear {
    theme: String,
    /// Whom to credit for the municipality's own figures of the row.
    credits: Vec<String>,
    police: Option<u64>,
    enforcement: Option<u64>,
    reports: Option<(u64, u64)>,
    sentences: Vec<String>,
}

/// The section "Meldingen van bewoners en handhaving" about `area` in `year`; nothing when the
/// store has no registrations of the municipality's own for the area.
pub(crate) fn own_sources_section(
    store: &Store,
    area: &AreaCode,
    area_name: &str,
    year: i32,
) -> Result<Vec<Block>, DocumentError> {
    let has_own = store
        .incident_sources()?
        .iter()
        .any(|s| s.kind != SourceKind::Politie);
    if !has_own {
        return Ok(Vec::new());
    }
    let mut rows = Vec::new();
    let mut rule = None;
    for theme in store.themes()? {
        if theme.sources.is_empty() {
            continue;
        }
        let request = VisRequest {
            area: area.clone(),
            theme: theme.id.clone(),
            dedup: DedupRule::default(),
        };
        let result = match vis(store, &request) {
            Ok(result) => result,
            Err(e) if e.refusal() == Refusal::Broken => return Err(e.into()),
            Err(_) => continue,
        };
        if let Some(row) = theme_year(&result, year) {
            rule.get_or_insert_with(|| result.dedup_rule.clone());
            rows.push(row);
        }
    }
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let figure = |n: Option<u64>| n.map_or_else(|| "–".to_owned(), integer);
    let table = DocTable {
        tones: Vec::new(),
        headers: vec![
            "Thema".to_owned(),
            "Politie".to_owned(),
            "Handhaving".to_owned(),
            "Meldingen van bewoners".to_owned(),
            "Problemen (ontdubbeld)".to_owned(),
        ],
        numeric: vec![false, true, true, true, true],
        widths: Some(vec![4, 2, 2, 3, 3]),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.theme.clone(),
                    figure(r.police),
                    figure(r.enforcement),
                    figure(r.reports.map(|(n, _)| n)),
                    figure(r.reports.map(|(_, p)| p)),
                ]
            })
            .collect(),
        caption: Some(format!(
            "Politieregistraties, handhaving en meldingen van bewoners in {area_name}, {year}"
        )),
    };
    let mut blocks = vec![
        Block::Heading(1, "Meldingen van bewoners en handhaving".to_owned()),
        Block::Paragraph(format!(
            "Naast de misdrijven die de politie registreert, legt de gemeente vast wat haar \
             handhavers zien en wat bewoners melden. Per thema staan ze hieronder naast elkaar \
             voor {year}. Een streepje betekent dat de bron dat jaar niet helemaal beslaat."
        )),
        Block::Table(table),
    ];
    let sentences: Vec<String> = rows.iter().flat_map(|r| r.sentences.clone()).collect();
    if !sentences.is_empty() {
        blocks.push(Block::Bullets(sentences));
    }
    if let Some(rule) = rule {
        blocks.push(Block::Paragraph(rule));
    }
    let mut credits: Vec<String> = rows.iter().flat_map(|r| r.credits.clone()).collect();
    credits.sort();
    credits.dedup();
    blocks.push(Block::Paragraph(credits.join("; ")));
    Ok(blocks)
}

/// Sums the year's months of each column; a source counts only when it covers all 12 months.
fn theme_year(result: &Vis, year: i32) -> Option<ThemeYear> {
    let in_year: Vec<usize> = result
        .months
        .iter()
        .enumerate()
        .filter(|(_, p)| p.calendar_year() == year)
        .map(|(i, _)| i)
        .collect();
    let sum = |values: &[Option<u64>]| -> Option<u64> {
        if in_year.len() != 12 {
            return None;
        }
        in_year.iter().map(|&i| values[i]).sum()
    };
    let mut row = ThemeYear {
        theme: result.theme_name.clone(),
        credits: result
            .columns
            .iter()
            .filter(|c| c.kind != SourceKind::Politie)
            .map(|c| c.attribution.clone())
            .collect(),
        police: None,
        enforcement: None,
        reports: None,
        sentences: Vec::new(),
    };
    for column in &result.columns {
        match column.kind {
            SourceKind::Politie => {
                row.police = match &column.per_year {
                    Some(years) => years.get(&year).copied(),
                    None => sum(&column.counts),
                }
            }
            SourceKind::Handhaving => row.enforcement = sum(&column.counts),
            SourceKind::Meldingen => {
                let problems = column.problems.as_deref().and_then(sum);
                row.reports = sum(&column.counts).zip(problems);
            }
            SourceKind::Overig => {}
        }
    }
    if row.enforcement.is_none() && row.reports.is_none() {
        return None;
    }
    row.sentences = result
        .correlations
        .iter()
        .filter(|c| {
            matches!(
                c.movement,
                buurtbeeld_analysis::Movement::Together | buurtbeeld_analysis::Movement::Opposite
            )
        })
        .map(|c| format!("{}: {}", result.theme_name, c.sentence))
        .collect();
    Some(row)
}
