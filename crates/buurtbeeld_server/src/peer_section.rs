//! The gemeente page's comparison with Nederland, the provincie and gemeenten of the same size.

use buurtbeeld_analysis::{compare_with_peers, peer_years, PeerComparison, PeerGroup};
use buurtbeeld_cube::dutch::{decimal, integer};
use buurtbeeld_cube::{AreaCode, Subject};
use buurtbeeld_store::Store;
use maud::{html, Markup};

use crate::page::PageError;

/// Every theme with figures in the peer table for the gemeente, in `asked` (else the latest
/// year Nederland has for the first such theme); `None` when the store has no peer table.
pub(crate) fn peer_section(
    store: &Store,
    gemeente: &AreaCode,
    asked: Option<i32>,
) -> Result<Option<Markup>, PageError> {
    let themes: Vec<_> = store
        .themes()?
        .into_iter()
        .filter(|t| t.is_crime_theme())
        .collect();
    let mut year = None;
    let mut rows: Vec<(String, String, PeerComparison)> = Vec::new();
    for theme in &themes {
        let subject = Subject::Theme(theme.id.clone());
        let years = peer_years(store, &subject)?;
        let Some(shown) = year.or_else(|| {
            asked
                .filter(|y| years.contains(y))
                .or(years.last().copied())
        }) else {
            continue;
        };
        year = Some(shown);
        let comparison = compare_with_peers(store, gemeente, &subject, shown)?;
        if comparison.own.is_some() {
            rows.push((theme.id.clone(), theme.name.clone(), comparison));
        }
    }
    let (Some(year), Some((_, _, first))) = (year, rows.first()) else {
        return Ok(None);
    };
    let heading = |group: Option<&PeerGroup>, fallback: &str| {
        group.map_or_else(|| fallback.to_owned(), |g| capitalised(&g.label))
    };
    let provincie = rows.iter().find_map(|r| r.2.provincie.as_ref());
    let size_class = rows.iter().find_map(|r| r.2.size_class.as_ref());
    let mut notes: Vec<&String> = rows.iter().flat_map(|r| &r.2.notes).collect();
    notes.sort();
    notes.dedup();
    Ok(Some(html! {
        section aria-labelledby="vergelijking" {
            h2 #vergelijking { "Vergeleken met andere gemeenten, " (year) }
            p {
                "Per 1.000 inwoners, naast heel Nederland, de provincie en de gemeenten van "
                "dezelfde grootteklasse (CBS-gemeentegrootte). Plaats 1 is de hoogste waarde."
            }
            div.scroll { table {
                caption { "Per 1.000 inwoners in " (year) ", met de plaats onder de gemeenten" }
                thead { tr {
                    th scope="col" { "Thema" }
                    th scope="col" { "Aantal" }
                    th scope="col" { "Per 1.000" }
                    th scope="col" { "Nederland" }
                    th scope="col" { (heading(provincie, "Provincie")) }
                    th scope="col" { (heading(size_class, "Grootteklasse")) }
                } }
                tbody {
                    @for (id, name, comparison) in &rows {
                        @let own = comparison.own.expect("rows have the gemeente's own figure");
                        tr {
                            th scope="row" { a href={"/thema/" (id) "?gemeente=" (gemeente)} { (name) } }
                            td { (integer(own.count)) }
                            td { (decimal(own.per_1000, 1)) }
                            (group_cell(comparison.nederland.as_ref()))
                            (group_cell(comparison.provincie.as_ref()))
                            (group_cell(comparison.size_class.as_ref()))
                        }
                    }
                }
            } }
            @for note in notes { p.note { (note) } }
            p.note {
                "Bron: CBS/Politie (" (first.source) ", geregistreerde misdrijven per gemeente; "
                "inwoners CBS). Een groep telt alle misdrijven van haar gemeenten gedeeld door al "
                "hun inwoners."
            }
        }
    }))
}

/// A peer group's rate with the gemeente's place in it.
fn group_cell(group: Option<&PeerGroup>) -> Markup {
    html! {
        td {
            @if let Some(group) = group {
                (decimal(group.rate.per_1000, 1))
                @if let Some(rank) = group.rank {
                    br; small { "plaats " (rank) " van " (group.rate.gemeenten) }
                }
            } @else { "–" }
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}
