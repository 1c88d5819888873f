//! The 47022NED SoortMisdrijf code list with national 2023 counts, suppression and seasonal profiles.

/// Code of the "Totaal misdrijven" row.
pub const TOTAL_CODE: &str = "0.0.0";

/// Number of offence codes (the 59 SoortMisdrijf codes minus the total).
pub const OFFENCE_COUNT: usize = 58;

/// The 58 offence codes in 47022NED code-list order, with their label and the national count for
/// 2023.
///
/// Derived once from Politie 47025NED (NL01, `2023JJ00`) via
/// `/work/shared/data/real/politie-nederland-jaar/NL_Crime_47025NED_jaar.csv`; hard-coded so the
/// generator needs nothing outside the repository at run time. Zero counts are kept as published
/// (the source replaced missing values by 0, so some may be suppressed rather than true zeros).
pub const NATIONAL_2023: [(&str, &str, u32); OFFENCE_COUNT] = [
    ("1.1.1", "Diefstal/inbraak woning", 22706),
    ("1.1.2", "Diefstal/inbraak box/garage/schuur", 11000),
    ("1.2.1", "Diefstal uit/vanaf motorvoertuigen", 43515),
    ("1.2.2", "Diefstal van motorvoertuigen", 9303),
    ("1.2.3", "Diefstal van brom-, snor-, fietsen", 96927),
    ("1.2.4", "Zakkenrollerij", 12393),
    ("1.2.5", "Diefstal af/uit/van ov. voertuigen", 28402),
    ("1.3.1", "Ongevallen (weg)", 76458),
    ("1.4.1", "Zedenmisdrijf", 8214),
    ("1.4.2", "Moord, doodslag", 2541),
    ("1.4.3", "Openlijk geweld (persoon)", 4037),
    ("1.4.4", "Bedreiging", 23298),
    ("1.4.5", "Mishandeling", 39268),
    ("1.4.6", "Straatroof", 2435),
    ("1.4.7", "Overval", 541),
    ("1.5.2", "Diefstallen (water)", 941),
    ("1.6.1", "Brand/ontploffing", 4103),
    ("1.6.2", "Overige vermogensdelicten", 83379),
    ("1.6.3", "Mensenhandel", 628),
    ("2.1.1", "Drugs/drankoverlast", 176),
    ("2.2.1", "Vernieling cq. zaakbeschadiging", 69976),
    ("2.4.1", "Burengerucht (relatieproblemen)", 229),
    ("2.4.2", "Huisvredebreuk", 3234),
    ("2.5.1", "Diefstal/inbraak bedrijven enz.", 12941),
    ("2.5.2", "Winkeldiefstal", 44844),
    ("2.6.1", "Inrichting Wet Milieubeheer", 32),
    ("2.6.2", "Bodem", 105),
    ("2.6.3", "Water", 18),
    ("2.6.4", "Afval", 90),
    ("2.6.5", "Bouwstoffen", 5),
    ("2.6.7", "Mest", 10),
    ("2.6.8", "Transport gevaarlijke stoffen", 338),
    ("2.6.9", "Vuurwerk", 373),
    ("2.6.10", "Bestrijdingsmiddelen", 1),
    ("2.6.11", "Natuur en landschap", 0),
    ("2.6.12", "Ruimtelijke ordening", 8),
    ("2.6.13", "Dieren", 536),
    ("2.6.14", "Voedselveiligheid", 0),
    ("2.7.2", "Bijzondere wetten", 2393),
    ("2.7.3", "Leefbaarheid (overig)", 1062),
    ("3.1.1", "Drugshandel", 13468),
    ("3.1.2", "Mensensmokkel", 58),
    ("3.1.3", "Wapenhandel", 6662),
    ("3.2.1", "Kinderporno", 475),
    ("3.2.2", "Kinderprostitutie", 0),
    ("3.3.2", "Onder invloed (lucht)", 7),
    ("3.3.5", "Lucht (overig)", 0),
    ("3.4.2", "Onder invloed (water)", 129),
    ("3.5.2", "Onder invloed (weg)", 42799),
    ("3.5.5", "Weg (overig)", 12123),
    ("3.6.4", "Aantasting openbare orde", 7937),
    ("3.7.1", "Discriminatie", 503),
    ("3.7.2", "Vreemdelingenzorg", 157),
    ("3.7.3", "Maatsch. integriteit (overig)", 10264),
    ("3.7.4", "Cybercrime", 12029),
    ("3.9.1", "Horizontale fraude", 88132),
    ("3.9.2", "Verticale fraude", 346),
    ("3.9.3", "Fraude (overig)", 494),
];

/// National "Totaal misdrijven" for 2023; equals the sum of [`NATIONAL_2023`].
pub const NATIONAL_TOTAL_2023: u32 = 802_043;

/// Codes that 47022NED publishes as an empty cell at every level and in every month (privacy
/// suppression); their true counts still go into `0.0.0`.
pub const SUPPRESSED: [&str; 4] = ["1.4.1", "3.2.1", "3.2.2", "3.7.3"];

/// Whether `code` is always published empty.
pub fn is_suppressed(code: &str) -> bool {
    SUPPRESSED.contains(&code)
}

/// All 59 codes in output order: the total first, then the offences in code-list order.
pub fn all_codes() -> impl Iterator<Item = &'static str> {
    std::iter::once(TOTAL_CODE).chain(NATIONAL_2023.iter().map(|&(code, _, _)| code))
}

/// Seasonal factor for `code` in calendar month `month0` (0 = January).
///
/// A cosine around a peak month keeps the yearly mean at exactly 1, so seasonality moves crime
/// between months without changing yearly totals. Peaks follow the patterns Dutch police report:
/// burglary in the dark months, bicycle theft after the summer, violence and water offences in
/// summer, vandalism and fireworks around New Year.
pub fn seasonal_factor(code: &str, month0: u32) -> f64 {
    let (peak, amplitude) = seasonal_profile(code);
    let phase = (f64::from(month0) - peak) / 12.0 * std::f64::consts::TAU;
    1.0 + amplitude * phase.cos()
}

/// (peak month with 0 = January and 11.5 = turn of the year, relative amplitude ≤ 0.2).
fn seasonal_profile(code: &str) -> (f64, f64) {
    match code {
        // Burglary: darkness gives cover, so Nov–Jan peak.
        "1.1.1" | "1.1.2" | "2.5.1" | "1.2.1" => (11.5, 0.20),
        // Bicycle theft: most bikes in use and students arriving, Sep–Oct.
        "1.2.3" => (8.5, 0.20),
        // Pickpocketing and shoplifting: December shopping crowds.
        "1.2.4" | "2.5.2" => (11.0, 0.15),
        // Vandalism, arson and fireworks: New Year's Eve.
        "2.2.1" | "1.6.1" | "2.6.9" => (11.5, 0.20),
        // Violence, public disorder and nuisance: long evenings outdoors in summer.
        "1.4.3" | "1.4.4" | "1.4.5" | "1.4.6" | "2.1.1" | "2.4.2" | "3.6.4" => (6.0, 0.10),
        // Water offences follow the boating season.
        "1.5.2" | "3.4.2" => (6.5, 0.20),
        // Road accidents rise with rain and darkness in autumn.
        "1.3.1" => (10.5, 0.10),
        _ => (0.0, 0.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_table_is_consistent() {
        let sum: u32 = NATIONAL_2023.iter().map(|&(_, _, n)| n).sum();
        assert_eq!(sum, NATIONAL_TOTAL_2023);
        let codes: Vec<&str> = all_codes().collect();
        assert_eq!(codes.len(), 59);
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), 59);
        assert!(SUPPRESSED.iter().all(|s| codes.contains(s)));
    }

    #[test]
    fn seasonal_factors_average_to_one_and_stay_within_twenty_percent() {
        for code in all_codes() {
            let factors: Vec<f64> = (0..12).map(|m| seasonal_factor(code, m)).collect();
            let mean = factors.iter().sum::<f64>() / 12.0;
            assert!((mean - 1.0).abs() < 1e-12, "{code}: mean {mean}");
            assert!(factors.iter().all(|f| (0.8..=1.2 + 1e-12).contains(f)));
        }
        assert!(seasonal_factor("1.1.1", 0) > seasonal_factor("1.1.1", 6));
        assert!(seasonal_factor("1.2.3", 8) > seasonal_factor("1.2.3", 2));
    }
}
