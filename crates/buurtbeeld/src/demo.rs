//! `buurtbeeld demo`: loads the bundled real data and shows what buurtbeeld answers.

use std::path::Path;

use anyhow::Context as _;

use buurtbeeld_cube::AreaCode;

use crate::cli::{AreaArg, SubjectArgs};
use crate::commands::{self, Outcome, PictureArgs};

/// The demo files, bundled in the binary so the demo runs anywhere. The data is real
/// (attribution in `data/README.md` and each folder's SOURCE.md); the plan is a fictitious
/// example for Groningen, labelled so in every output (`data/plan/README.md`).
const DEMO_FILES: [(&str, &[u8]); 14] = [
    (
        "wijk2017.geojson",
        include_bytes!("../../../data/cbs-wijkbuurtkaart-2017-groningen/wijk2017.geojson"),
    ),
    (
        "buurt2017.geojson",
        include_bytes!("../../../data/cbs-wijkbuurtkaart-2017-groningen/buurt2017.geojson"),
    ),
    (
        "handhaving-groningen.xlsx",
        include_bytes!("../../../data/groningen-handhaving-synthetisch/handhaving-groningen.xlsx"),
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

/// The synthetic Signalen export, imported after the others under a name that says so.
const DEMO_SIGNALEN: (&str, &[u8]) = (
    "signalen_meldingen_groningen_2013-2017.csv",
    include_bytes!(
        "../../../data/groningen-meldingen-synthetisch/signalen_meldingen_groningen_2013-2017.csv"
    ),
);

/// Files the demo's imports read beside their data (the enforcement export's mapping and its
/// address lookup); written, not imported themselves.
const DEMO_SIDECARS: [(&str, &[u8]); 2] = [
    (
        "handhaving-groningen.mapping.toml",
        include_bytes!(
            "../../../data/groningen-handhaving-synthetisch/handhaving-groningen.mapping.toml"
        ),
    ),
    (
        "adressen-synthetisch.csv",
        include_bytes!("../../../data/groningen-handhaving-synthetisch/adressen-synthetisch.csv"),
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
                area: AreaArg::Code(AreaCode::parse(area).context("a demo area code")?),
                subject: SubjectArgs {
                    theme: Some(theme.to_owned()),
                    category: None,
                },
                year: Some(year),
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
    for (name, bytes) in DEMO_FILES
        .iter()
        .chain(&DEMO_SIDECARS)
        .chain(std::iter::once(&DEMO_SIGNALEN))
    {
        let path = demo_dir.join(name);
        if std::fs::read(&path).ok().as_deref() != Some(*bytes) {
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        if DEMO_FILES.iter().any(|(file, _)| file == name) {
            paths.push(path);
        }
    }
    outln!(
        "Demogegevens in {}: echte cijfers (Bron: CBS/Politie; Groningen: Gemeente \
         Groningen/Politie) en, voor Groningen, synthetische meldingen en handhaving \
         (verzonnen, alleen om te laten zien hoe het werkt)\n",
        demo_dir.display()
    );
    let choices = |source_name: Option<&str>| commands::ImportChoices {
        kind: None,
        release: "demo".to_owned(),
        year: None,
        by: Some("buurtbeeld demo".to_owned()),
        mapping: None,
        source_name: source_name.map(str::to_owned),
    };
    commands::import(data_dir, &paths, choices(None))?;
    commands::import(
        data_dir,
        &[demo_dir.join(DEMO_SIGNALEN.0)],
        choices(Some("Meldingen openbare ruimte (Signalen, synthetisch)")),
    )
}
