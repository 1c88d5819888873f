//! The Signalen categories buurtbeeld ships (`data/signalen/categorieen.csv`, embedded): the
//! labels of meldingen whose file gives only slugs.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The shipped list, as the repository keeps it.
const CATEGORIES_CSV: &str = include_str!("../../../../data/signalen/categorieen.csv");

/// A shipped sub category with its Dutch names.
pub(crate) struct ShippedCategory {
    pub main: &'static str,
    pub sub: &'static str,
}

/// `<main_slug>/<sub_slug>` → names.
pub(crate) fn shipped() -> &'static BTreeMap<String, ShippedCategory> {
    static SHIPPED: OnceLock<BTreeMap<String, ShippedCategory>> = OnceLock::new();
    SHIPPED.get_or_init(|| {
        CATEGORIES_CSV
            .lines()
            .filter(|l| !l.starts_with('#'))
            .skip(1)
            .filter_map(|line| {
                let mut fields = line.splitn(4, ';');
                let (main_slug, sub_slug, main, sub) = (
                    fields.next()?,
                    fields.next()?,
                    fields.next()?,
                    fields.next()?,
                );
                Some((
                    format!("{main_slug}/{sub_slug}"),
                    ShippedCategory { main, sub },
                ))
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signalen::values::is_slug;

    #[test]
    fn the_shipped_list_has_valid_slugs_and_the_safety_categories() {
        let list = shipped();
        assert!(list.len() >= 75, "{}", list.len());
        for code in list.keys() {
            let (main, sub) = code.split_once('/').unwrap();
            assert!(is_slug(main) && is_slug(sub), "{code}");
        }
        let youth = &list["overlast-van-en-door-personen-of-groepen/jongerenoverlast"];
        assert_eq!(youth.sub, "Jongerenoverlast");
        assert_eq!(youth.main, "Overlast van en door personen of groepen");
    }
}

#[cfg(test)]
mod theme_tests {
    use super::shipped;

    #[test]
    fn every_signalen_key_of_the_shipped_themes_is_a_shipped_category() {
        let batch = crate::default_batch().expect("the shipped defaults are valid");
        let themes = batch.themes.expect("the defaults have themes");
        let mut keys = 0;
        for theme in &themes {
            for key in theme.sources.get("signalen").into_iter().flatten() {
                assert!(shipped().contains_key(key), "{}: {key}", theme.id);
                keys += 1;
            }
        }
        assert!(keys >= 20, "{keys}");
        for id in [
            "overlast-jeugd",
            "overlast-personen",
            "verloedering",
            "horeca-overlast",
            "parkeeroverlast",
        ] {
            assert!(themes.iter().any(|t| t.id == id), "{id}");
        }
    }
}
