//! `buurtbeeld demo`: loads the bundled real data and shows what buurtbeeld answers.

use std::path::Path;

use anyhow::Context as _;

use buurtbeeld_cube::AreaCode;

use crate::cli::SubjectArgs;
use crate::commands::{self, Outcome, PictureArgs};

/// The demo files, bundled in the binary so the demo runs anywhere. The data is real
/// (attribution in `data/README.md` and each folder's SOURCE.md); the plan is a fictitious
/// example for Groningen, labelled so in every output (`data/plan/README.md`).
const DEMO_FILES: [(&str, &[u8]); 13] = [
    (
        "wijk2017.geojson",
        include_bytes!("../../../data/cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson"),
    ),
    (
        "buurt2017.geojson",
        include_bytes!("../../../data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
    ),
    (
        "fietsdiefstallen_groningen_BVH_2013-2017.csv",
        include_bytes!(
            "../../../data/groningen-fietsdiefstallen-politie-2013-2017/fietsdiefstallen_groningen_BVH_2013-2017.csv"
        ),
    ),
    (
        "misdrijven_GM1581_2022MM12-2023MM11_coded.csv",
        include_bytes!(
            "../../../data/politie-47022ned-utrechtse-heuvelrug-maand/misdrijven_GM1581_2022MM12-2023MM11_coded.csv"
        ),
    ),
    (
        "Population85984_2024_buurt_AantalInwoners.csv",
        include_bytes!(
            "../../../data/cbs-85984ned-bevolking-buurt-2024/Population85984_2024_buurt_AantalInwoners.csv"
        ),
    ),
    (
        "nl_gemeenten_2024_cartomap.geojson",
        include_bytes!("../../../data/politie-gemeenten-jaar-47018ned/nl_gemeenten_2024_cartomap.geojson"),
    ),
    (
        "47018NED_gemeenten_2012-2024_coded.csv",
        include_bytes!(
            "../../../data/politie-gemeenten-jaar-47018ned/47018NED_gemeenten_2012-2024_coded.csv"
        ),
    ),
    (
        "bevolking_gemeenten_2012-2024.csv",
        include_bytes!("../../../data/politie-gemeenten-jaar-47018ned/bevolking_gemeenten_2012-2024.csv"),
    ),
    (
        "voorbeeldplan_groningen_2014_2017.toml",
        include_bytes!("../../../data/plan/voorbeeldplan_groningen_2014_2017.toml"),
    ),
    (
        "voorbeeldplan_acties_2015.toml",
        include_bytes!("../../../data/plan/voorbeeldplan_acties_2015.toml"),
    ),
    (
        "voorbeeldplan_acties_2016.toml",
        include_bytes!("../../../data/plan/voorbeeldplan_acties_2016.toml"),
    ),
    (
        "voorbeeldplan_begroting_2014_2017.csv",
        include_bytes!("../../../data/plan/voorbeeldplan_begroting_2014_2017.csv"),
    ),
    (
        "voorbeeld_interventie_stationsgebied_2015.toml",
        include_bytes!("../../../data/plan/voorbeeld_interventie_stationsgebied_2015.toml"),
    ),
];

pub fn run(data_dir: &Path) -> Outcome {
    load(data_dir)?;
    outln!();
    for (area, theme, year) in [
        ("GM0014", "fietsdiefstal", 2015),
        ("GM1581", "totaal", 2023),
    ] {
        commands::picture(
            data_dir,
            PictureArgs {
                area: AreaCode::parse(area).context("a demo area code")?,
                subject: SubjectArgs {
                    theme: Some(theme.to_owned()),
                    category: None,
                },
                year,
                month: None,
                source: None,
                format: buurtbeeld_render::OutputFormat::Table,
            },
        )?;
        outln!();
    }
    outln!(
        "Probeer: buurtbeeld picture --area WK001400 --theme fietsdiefstal --year 2015\n         \
         buurtbeeld picture --area GM1581 --theme woninginbraak --year 2023 --format json\n         \
         buurtbeeld serve"
    );
    Ok(())
}

/// Imports the demo files (a no-op when they are in the store already).
pub fn load(data_dir: &Path) -> Outcome {
    let demo_dir = data_dir.join("demo");
    std::fs::create_dir_all(&demo_dir)
        .with_context(|| format!("creating {}", demo_dir.display()))?;
    let mut paths = Vec::new();
    for (name, bytes) in DEMO_FILES {
        let path = demo_dir.join(name);
        if std::fs::read(&path).ok().as_deref() != Some(bytes) {
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        paths.push(path);
    }
    outln!(
        "Demogegevens (echt; Bron: CBS/Politie; Groningen: Gemeente Groningen/Politie) in {}\n",
        demo_dir.display()
    );
    commands::import(
        data_dir,
        &paths,
        commands::ImportChoices {
            kind: None,
            release: "demo".to_owned(),
            year: None,
            by: Some("buurtbeeld demo".to_owned()),
            mapping: None,
        },
    )
}
