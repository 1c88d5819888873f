//! Rendering forecasts and backtests as Dutch terminal tables, CSV or JSON.

use comfy_table::CellAlignment;

use crate::picture::{csv_finish, csv_number, csv_row, csv_writer};
use buurtbeeld_analysis::{Backtest, ForecastMethod, ForecastRow, Forecasts, RuleScore};
use buurtbeeld_cube::dutch::{decimal, integer, period, plural};

use crate::{OutputFormat, SHOWN_AREAS};

const NO_FIGURE: &str = "–";

/// The Dutch name of a method.
pub fn method_label(method: ForecastMethod) -> &'static str {
    match method {
        ForecastMethod::SeasonalNaive => "seizoensnaïef (zelfde maand vorig jaar)",
        ForecastMethod::Naive => "naïef (zelfde als vorige maand)",
        ForecastMethod::MovingAverage => "voortschrijdend gemiddelde (12 maanden)",
        ForecastMethod::Median12 => "mediaan van de laatste 12 maanden",
        ForecastMethod::Median24 => "mediaan van de laatste 24 maanden",
        ForecastMethod::HoltWinters => "Holt-Winters",
        ForecastMethod::PooledSeasonal => "seizoen van de gemeente",
        ForecastMethod::PoissonRegression => "Poisson-regressie (trend en maand)",
        ForecastMethod::PooledPoisson => "aandeel in de Poisson-voorspelling van de gemeente",
    }
}

/// Forecasts as JSON, CSV (always every area) or a terminal table: with `all` false and more
/// than [`SHOWN_AREAS`] areas, the table shows the areas with the highest expected count over
/// the horizon and says how many it left out.
pub fn render_forecasts(forecasts: &Forecasts, format: OutputFormat, all: bool) -> String {
    match format {
        OutputFormat::Json => serde_json::to_string_pretty(forecasts).expect("plain data") + "\n",
        OutputFormat::Csv => render_forecasts_csv(forecasts, true),
        OutputFormat::Table => forecast_table(forecasts, all),
    }
}

/// The codes of the areas a table shows: all, or the [`SHOWN_AREAS`] with the largest summed
/// mean forecast (ties by code, so the choice is stable).
fn shown_areas(forecasts: &Forecasts, all: bool) -> Vec<&buurtbeeld_cube::AreaCode> {
    let mut totals: Vec<(&buurtbeeld_cube::AreaCode, f64)> = forecasts
        .areas
        .iter()
        .map(|a| {
            let total = forecasts
                .rows
                .iter()
                .filter(|r| r.code == a.code)
                .map(|r| r.forecast)
                .sum();
            (&a.code, total)
        })
        .collect();
    if !all && totals.len() > SHOWN_AREAS {
        totals.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        totals.truncate(SHOWN_AREAS);
    }
    totals.into_iter().map(|(code, _)| code).collect()
}

fn forecast_table(forecasts: &Forecasts, all: bool) -> String {
    let shown = shown_areas(forecasts, all);
    // With one method for every area (as `auto` chooses) the method is named once, above.
    let one_method = forecasts
        .areas
        .first()
        .map(|first| first.method)
        .filter(|m| forecasts.areas.iter().all(|a| a.method == *m));
    let mut summary = crate::terminal_table();
    let mut header = vec!["Code", "Naam"];
    if one_method.is_none() {
        header.push("Methode");
    }
    header.extend([
        "MAE backtest",
        "Seizoensnaïef MAE",
        "MAE / seizoensnaïef",
        "Beter dan seizoensnaïef",
    ]);
    let numbers_from = header.len() - 4;
    summary.set_header(header);
    let opt = |x: Option<f64>, places| x.map_or(NO_FIGURE.to_owned(), |v| decimal(v, places));
    for area in forecasts.areas.iter().filter(|a| shown.contains(&&a.code)) {
        let mut cells = vec![area.code.to_string(), area.name.clone()];
        if one_method.is_none() {
            cells.push(method_label(area.method).to_owned());
        }
        cells.extend([
            opt(area.mae, 2),
            opt(area.seasonal_naive_mae, 2),
            opt(area.relative_mae, 2),
            if area.beats_seasonal_naive {
                "ja"
            } else {
                "nee"
            }
            .to_owned(),
        ]);
        summary.add_row(cells);
    }
    for column in numbers_from..numbers_from + 3 {
        if let Some(c) = summary.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let rows: Vec<&ForecastRow> = forecasts
        .rows
        .iter()
        .filter(|r| shown.contains(&&r.code))
        .collect();
    // A forecast of months still to come has no actual count: no column of dashes then.
    let with_actual = rows.iter().any(|r| r.actual.is_some());
    let mut table = crate::terminal_table();
    let mut header = vec![
        "Gebied",
        "Maand",
        "Verwacht (mediaan)",
        "Gemiddelde",
        "80%-interval",
        "95%-interval",
    ];
    if with_actual {
        header.push("Werkelijk");
    }
    table.set_header(header);
    for row in rows {
        let mut cells = vec![
            row.name.clone(),
            period::label_short(&row.month),
            decimal(row.median, 0),
            decimal(row.forecast, 1),
            format!(
                "{} – {}",
                decimal(row.lower_80, 0),
                decimal(row.upper_80, 0)
            ),
            format!(
                "{} – {}",
                decimal(row.lower_95, 0),
                decimal(row.upper_95, 0)
            ),
        ];
        if with_actual {
            cells.push(row.actual.map_or(NO_FIGURE.to_owned(), integer));
        }
        table.add_row(cells);
    }
    for column in 2..=6 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!(
        "Vooruitblik {} ({}): {}, {} vanaf {} · bron {}\n\
         {} in een backtest over de 12 maanden vóór de voorspelling; een methode heet alleen \
         beter als ze seizoensnaïef versloeg. Verwacht: de mediaan (het meest waarschijnlijke \
         aantal); het gemiddelde telt op over maanden en gebieden.\n\n{}\n{summary}\n\n{table}\n",
        forecasts.area_name,
        forecasts.area,
        forecasts.subject_label,
        plural(forecasts.horizon, "maand", "maanden"),
        period::label(&forecasts.from),
        forecasts.source,
        match (forecasts.areas.len(), one_method) {
            (1, _) => "De methode is gekozen op de kleinste fout".to_owned(),
            (_, Some(method)) => format!(
                "Eén methode voor alle gebieden ({}), gekozen op de kleinste fout over alle \
                 gebieden samen",
                method_label(method)
            ),
            _ => "Per gebied de methode met de kleinste fout".to_owned(),
        },
        bar_lines(
            forecasts.backtest_mae,
            &forecasts.rules,
            forecasts.areas.len()
        ),
    );
    let left_out = forecasts.areas.len() - shown.len();
    if left_out > 0 {
        out.push_str(&format!(
            "De {} met de hoogste verwachting; {} niet getoond (--all toont alle, \
             --format csv of json geeft alles).\n",
            plural(shown.len(), "gebied", "gebieden"),
            plural(left_out, "gebied", "gebieden"),
        ));
    }
    for note in &forecasts.notes {
        out.push_str(&format!("· {note}\n"));
    }
    out.push_str(&format!("{}\n", forecasts.attribution));
    out
}

/// The chosen method's backtest MAE against each simple rule's, one line each.
fn bar_lines(method_mae: Option<f64>, rules: &[RuleScore], areas: usize) -> String {
    let mut out = String::from("Gemiddelde fout (MAE) in de backtest");
    out.push_str(if areas > 1 {
        ", alle gebieden samen:\n"
    } else {
        ":\n"
    });
    if let Some(mae) = method_mae {
        out.push_str(&format!("  gekozen methode: {}\n", decimal(mae, 2)));
    }
    for rule in rules {
        out.push_str(&format!("  {}: {}\n", rule.label, decimal(rule.mae, 2)));
    }
    out
}

/// One line per area and month, `;` and decimal commas (or points).
pub fn render_forecasts_csv(forecasts: &Forecasts, decimal_comma: bool) -> String {
    let mut writer = csv_writer();
    csv_row(
        &mut writer,
        [
            "code",
            "naam",
            "maand",
            "verwachting",
            "mediaan",
            "ondergrens_80",
            "bovengrens_80",
            "ondergrens_95",
            "bovengrens_95",
            "methode",
            "werkelijk",
            "onderwerp",
            "bron",
        ],
    );
    let number = |v: f64, places: usize| csv_number(Some(v), places, decimal_comma);
    for row in &forecasts.rows {
        csv_row(
            &mut writer,
            [
                row.code.to_string(),
                row.name.clone(),
                row.month.clone(),
                number(row.forecast, 2),
                number(row.median, 0),
                number(row.lower_80, 0),
                number(row.upper_80, 0),
                number(row.lower_95, 0),
                number(row.upper_95, 0),
                row.method.name().to_owned(),
                row.actual.map_or(String::new(), |a| a.to_string()),
                forecasts.subject_label.clone(),
                forecasts.source.clone(),
            ],
        );
    }
    csv_finish(writer, &forecasts.attribution)
}

pub fn render_backtest(backtest: &Backtest, format: OutputFormat) -> String {
    if format == OutputFormat::Json {
        return serde_json::to_string_pretty(backtest).expect("plain data") + "\n";
    }
    let pct = |x: f64| format!("{}%", decimal(x * 100.0, 0));
    if format == OutputFormat::Csv {
        let mut writer = csv_writer();
        csv_row(
            &mut writer,
            [
                "methode",
                "gebieden",
                "mae",
                "mae_alle_gebieden",
                "rmse",
                "mase",
                "dekking_80",
                "dekking_95",
                "gekozen",
            ],
        );
        for m in &backtest.methods {
            csv_row(
                &mut writer,
                [
                    m.method.name().to_owned(),
                    m.areas.to_string(),
                    decimal(m.mae, 3),
                    decimal(m.pooled_mae, 3),
                    decimal(m.rmse, 3),
                    m.mase.map_or(String::new(), |v| decimal(v, 3)),
                    decimal(m.coverage_80, 3),
                    decimal(m.coverage_95, 3),
                    m.chosen.to_string(),
                ],
            );
        }
        return csv_finish(writer, &backtest.attribution);
    }
    let mut table = crate::terminal_table();
    table.set_header([
        "Methode",
        "Gebieden",
        "MAE",
        "RMSE",
        "MASE",
        "Dekking 80%",
        "Dekking 95%",
        "Gekozen",
    ]);
    for m in &backtest.methods {
        table.add_row([
            method_label(m.method).to_owned(),
            m.areas.to_string(),
            decimal(m.pooled_mae, 2),
            decimal(m.rmse, 2),
            m.mase.map_or(NO_FIGURE.to_owned(), |v| decimal(v, 2)),
            pct(m.coverage_80),
            pct(m.coverage_95),
            m.chosen.to_string(),
        ]);
    }
    for column in 1..=7 {
        if let Some(c) = table.column_mut(column) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut out = format!(
        "Backtest {} ({}): {} · bron {}\n\
         Elke maand van de {} maanden vóór {} als startpunt, tot {} vooruit, met alleen \
         de maanden daarvóór. MAE: de fout van de mediaan over alle voorspellingen samen (daarop \
         kiest `auto` één methode); RMSE van het gemiddelde; MASE: MAE gedeeld door de fout van \
         seizoensnaïef binnen de trainingsmaanden. RMSE, MASE en dekking: gemiddelden over de \
         gebieden.\n\n{table}\n{}",
        backtest.area_name,
        backtest.area,
        backtest.subject_label,
        backtest.source,
        backtest.origins,
        period::label(&backtest.until),
        plural(backtest.horizon, "maand", "maanden"),
        bar_lines(
            None,
            &backtest.rules,
            backtest.methods.first().map_or(0, |m| m.areas),
        ),
    );
    if let Some(r) = &backtest.ranking {
        out.push_str(&format!(
            "Rangorde: de {} gebieden met de hoogste verwachting voor de volgende maand bevatten \
             gemiddeld {} van de werkelijke top-{}; PAI {} (aandeel incidenten gedeeld door \
             aandeel oppervlakte; 1 = toeval).\n",
            r.flagged,
            pct(r.hit_rate),
            r.flagged,
            r.pai.map_or(NO_FIGURE.to_owned(), |p| decimal(p, 2)),
        ));
    }
    out.push_str(&format!("{}\n", backtest.attribution));
    out
}
