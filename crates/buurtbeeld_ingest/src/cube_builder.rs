//! Accumulates published cells into series, interning areas and categories so that a national
//! file (≈170M rows) is read at CSV speed.

use std::collections::{BTreeSet, HashMap};

use buurtbeeld_cube::{
    AreaCode, CategoryCode, Frequency, ImportBatch, Period, Series, SeriesKey, Value,
};

use crate::codelists::code_lists;

type Key = (u32, u16);

/// A cell that cannot be added: its period (frequency clash) or its value (conflict) is at
/// fault; the reader names the column as its format calls it.
#[derive(Debug)]
pub(crate) struct CellProblem {
    pub period_at_fault: bool,
    pub message: String,
}

impl CellProblem {
    pub(crate) fn field<'a>(&self, period_column: &'a str, count_column: &'a str) -> &'a str {
        if self.period_at_fault {
            period_column
        } else {
            count_column
        }
    }
}

#[derive(Debug)]
pub(crate) struct CubeBuilder<'a> {
    frequency: Option<Frequency>,
    area_index: HashMap<String, u32>,
    areas: Vec<AreaCode>,
    category_index: HashMap<String, u16>,
    categories: Vec<CategoryCode>,
    series_index: HashMap<Key, usize>,
    series: Vec<(Key, Series)>,
    last: Option<(Key, usize)>,
    /// Areas that exist in the store but not in the code lists (e.g. an older indeling).
    known_areas: &'a BTreeSet<AreaCode>,
}

impl<'a> CubeBuilder<'a> {
    pub(crate) fn new(known_areas: &'a BTreeSet<AreaCode>) -> CubeBuilder<'a> {
        CubeBuilder {
            frequency: None,
            area_index: HashMap::new(),
            areas: Vec::new(),
            category_index: HashMap::new(),
            categories: Vec::new(),
            series_index: HashMap::new(),
            series: Vec::new(),
            last: None,
            known_areas,
        }
    }

    /// Interns an area code, checking it is a CBS code that the code lists or the store know.
    pub(crate) fn area(&mut self, raw: &str) -> Result<u32, String> {
        if let Some(&i) = self.area_index.get(raw) {
            return Ok(i);
        }
        let code = AreaCode::parse(raw).map_err(|e| e.to_string())?;
        if code_lists().area_name(&code).is_none() && !self.known_areas.contains(&code) {
            return Err(format!(
                "onbekende gebiedscode '{code}': staat niet in de codelijsten WijkenEnBuurten van \
                 47022NED/47018NED en is niet ingelezen uit een bestand met grenzen"
            ));
        }
        let i = self.areas.len() as u32;
        self.areas.push(code);
        self.area_index.insert(raw.to_owned(), i);
        Ok(i)
    }

    /// Interns an already validated area (e.g. a buurt found by point-in-polygon).
    pub(crate) fn known_area(&mut self, code: &AreaCode) -> u32 {
        if let Some(&i) = self.area_index.get(code.as_str()) {
            return i;
        }
        let i = self.areas.len() as u32;
        self.areas.push(code.clone());
        self.area_index.insert(code.as_str().to_owned(), i);
        i
    }

    /// Interns a category code, checking it is one of the 59 published codes.
    pub(crate) fn category(&mut self, raw: &str) -> Result<u16, String> {
        if let Some(&i) = self.category_index.get(raw) {
            return Ok(i);
        }
        let code = CategoryCode::parse(raw).map_err(|e| e.to_string())?;
        if code_lists().category(code.as_str()).is_none() {
            return Err(format!(
                "onbekende SoortMisdrijf-code '{code}': staat niet in de codelijst van 47022NED/47018NED"
            ));
        }
        Ok(self.intern_category(raw, code))
    }

    pub(crate) fn known_category(&mut self, code: &CategoryCode) -> u16 {
        match self.category_index.get(code.as_str()) {
            Some(&i) => i,
            None => self.intern_category(code.as_str(), code.clone()),
        }
    }

    fn intern_category(&mut self, raw: &str, code: CategoryCode) -> u16 {
        let i = self.categories.len() as u16;
        self.categories.push(code);
        self.category_index.insert(raw.to_owned(), i);
        i
    }

    /// Adds one cell. A second cell for the same key is fine if it agrees, an error if not.
    pub(crate) fn set(
        &mut self,
        area: u32,
        category: u16,
        period: Period,
        value: Value,
    ) -> Result<(), CellProblem> {
        let frequency = period.frequency();
        match self.frequency {
            None => self.frequency = Some(frequency),
            Some(f) if f != frequency => {
                return Err(CellProblem {
                    period_at_fault: true,
                    message: format!(
                        "{} is een {}, maar eerdere regels zijn {}; een bestand bevat maanden \
                         (47022NED) of jaren (47018NED), niet allebei",
                        period.cbs_key(),
                        frequency_words(frequency).0,
                        frequency_words(f).1
                    ),
                })
            }
            Some(_) => {}
        }
        let key = (area, category);
        let index = match self.last {
            Some((k, i)) if k == key => i,
            _ => {
                let i = *self.series_index.entry(key).or_insert_with(|| {
                    self.series.push((key, Series::new()));
                    self.series.len() - 1
                });
                self.last = Some((key, i));
                i
            }
        };
        match self.series[index].1.insert(period.ordinal(), value) {
            Some(old) if old != value => Err(CellProblem {
                period_at_fault: false,
                message: format!(
                    "dubbele sleutel (gebied {}, categorie {}, periode {}) met een tegenstrijdige \
                     waarde: een eerdere regel zegt {}, deze regel zegt {}",
                    self.areas[area as usize],
                    self.categories[category as usize],
                    period.cbs_key(),
                    describe(old),
                    describe(value)
                ),
            }),
            _ => Ok(()),
        }
    }

    /// Merges a cube built from another part of the same file. Returns false on a conflict
    /// (different frequencies, or a cell both parts give different values).
    pub(crate) fn absorb(&mut self, other: CubeBuilder<'_>) -> bool {
        match (self.frequency, other.frequency) {
            (Some(a), Some(b)) if a != b => return false,
            (None, b) => self.frequency = b,
            _ => {}
        }
        self.last = None;
        for ((area, category), series) in other.series {
            let key = (
                self.known_area(&other.areas[area as usize]),
                self.known_category(&other.categories[category as usize]),
            );
            match self.series_index.get(&key) {
                None => {
                    self.series_index.insert(key, self.series.len());
                    self.series.push((key, series));
                }
                Some(&i) => {
                    for (period, value) in series.iter() {
                        if self.series[i]
                            .1
                            .insert(period, value)
                            .is_some_and(|old| old != value)
                        {
                            return false;
                        }
                    }
                }
            }
        }
        true
    }

    pub(crate) fn frequency(&self) -> Option<Frequency> {
        self.frequency
    }

    /// The areas seen, in interning order.
    pub(crate) fn areas(&self) -> &[AreaCode] {
        &self.areas
    }

    /// Moves the series into the batch and adds the areas (named from the code lists).
    pub(crate) fn finish_into(self, batch: &mut ImportBatch, source: &str) {
        let frequency = self.frequency.unwrap_or(Frequency::Month);
        let mut named = BTreeSet::new();
        for area in &self.areas {
            for record in code_lists().area_with_ancestors(area) {
                // An area the store knows from a boundary file keeps its name there.
                if named.insert(record.code.clone()) && !self.known_areas.contains(&record.code) {
                    batch.areas.push(record);
                }
            }
        }
        for ((area, category), series) in self.series {
            let key = SeriesKey {
                source: source.to_owned(),
                area: self.areas[area as usize].clone(),
                category: self.categories[category as usize].clone(),
                frequency,
            };
            batch.series.insert(key, series);
        }
    }
}

fn describe(value: Value) -> String {
    match value {
        Value::Count(n) => buurtbeeld_cube::dutch::integer(u64::from(n)),
        Value::Withheld => "geheimgehouden (leeg)".to_owned(),
    }
}

/// A frequency's period in Dutch, singular and plural: `("maand", "maanden")`.
fn frequency_words(frequency: Frequency) -> (&'static str, &'static str) {
    match frequency {
        Frequency::Month => ("maand", "maanden"),
        Frequency::Year => ("jaar", "jaren"),
    }
}
