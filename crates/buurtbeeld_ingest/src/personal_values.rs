//! Recognisers of single values that identify a person (a BSN, a date, a phone number, an e-mail
//! address, a postcode with house number, a person's name); `personal.rs` decides from them what
//! a whole column holds.
//!
//! Each recogniser is deliberately narrow: it answers "could this one value be X?", and the rules
//! in `personal.rs` say how many such values make a column personal. Hand-written rather than
//! with a regular-expression crate: each also checks what a pattern cannot (the 11-proof, a
//! calendar date, an area code, a place's ending), and the patterns themselves are a few lines.

/// The nine digits of a value written as a burgerservicenummer, or None. Dots and spaces are
/// allowed between the digits (`1234.56.782`, `123 456 782`); eight digits are read with the
/// leading zero a spreadsheet drops. All zeros is no number anyone was given.
pub(crate) fn bsn_digits(value: &str) -> Option<[u8; 9]> {
    let mut digits = [0u8; 9];
    let mut count = 0;
    for b in value.trim().bytes() {
        match b {
            b'0'..=b'9' if count < 9 => {
                digits[count] = b - b'0';
                count += 1;
            }
            b'.' | b' ' => {}
            _ => return None,
        }
    }
    match count {
        9 => {}
        8 => {
            digits.copy_within(0..8, 1);
            digits[0] = 0;
        }
        _ => return None,
    }
    digits.iter().any(|&d| d != 0).then_some(digits)
}

/// Whether nine digits pass the 11-proof (elfproef) of the burgerservicenummer: the digits
/// weighted 9, 8, …, 2, minus the last digit, sum to a multiple of 11. About one arbitrary
/// nine-digit number in eleven passes too, which is why a column is judged by its share.
pub(crate) fn passes_elfproef(digits: &[u8; 9]) -> bool {
    let weighted: i32 = digits[..8]
        .iter()
        .zip((2..=9).rev())
        .map(|(&d, weight)| i32::from(d) * weight)
        .sum();
    (weighted - i32::from(digits[8])) % 11 == 0
}

/// The year of a value that is a date as exports write them, with or without a time after it:
/// `d-m-yyyy`, `d/m/yyyy`, `d.m.yyyy` (day first, as Dutch software writes) or `yyyy-mm-dd`
/// (ISO, also with `T…`). Two-digit years are not read: their century is a guess.
pub(crate) fn date_year(value: &str) -> Option<i32> {
    let value = value.trim();
    // The shortest date is `1-1-2016`; most values are no date and leave here.
    if value.len() < 8 || !value.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let date = value.split([' ', 'T']).next()?;
    let separator = date.bytes().find(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let parts: Vec<&str> = date.split(char::from(separator)).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if !parts
        .iter()
        .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let (year, month, day) = match (a.len(), c.len()) {
        (4, 1..=2) if separator == b'-' => (a, b, c),
        (1..=2, 4) => (c, b, a),
        _ => return None,
    };
    let (year, month, day): (i32, u32, u32) =
        (year.parse().ok()?, month.parse().ok()?, day.parse().ok()?);
    let valid = (1900..=2100).contains(&year)
        && (1..=12).contains(&month)
        && day >= 1
        && day <= crate::text::days_in_month(year, month);
    valid.then_some(year)
}

/// Whether a value holds a Dutch phone number of a person: `06-12345678`, `050 123 45 67`,
/// `(050) 1234567`, `+31 6 12345678`, `+31 (0)6 …`, `0031 6 …`, also inside other text. A
/// national number has ten digits and starts with 0 and an area code (01–05, 07) or 06 (mobile);
/// 08x and 09x numbers belong to businesses and services and are not counted. A date such as
/// `01-02-2016 10` is not a phone number.
pub(crate) fn contains_phone(value: &str) -> bool {
    let bytes = value.as_bytes();
    let in_run = |b: u8| b.is_ascii_digit() || matches!(b, b' ' | b'-' | b'.' | b'(' | b')' | b'/');
    let mut start = 0;
    while start < bytes.len() {
        let b = bytes[start];
        let bounded = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if bounded && (b == b'+' || b == b'0' || b == b'(') {
            let mut end = start + 1;
            while end < bytes.len() && in_run(bytes[end]) {
                end += 1;
            }
            // A separator after the number belongs to the text ("06-12345678 na 17 uur").
            while end > start + 1 && matches!(bytes[end - 1], b' ' | b'-' | b'.' | b'/') {
                end -= 1;
            }
            let ends_bounded = end == bytes.len() || !bytes[end].is_ascii_alphanumeric();
            if ends_bounded && is_phone_number(&value[start..end]) {
                return true;
            }
        }
        // A run that is no number may still hold one further on ("nr 12 06-…").
        start += 1;
    }
    false
}

/// Whether a run of digits and separators (as `contains_phone` cuts it) is a Dutch number.
fn is_phone_number(run: &str) -> bool {
    if looks_like_date_start(run.trim_start_matches('(')) {
        return false;
    }
    let digits: String = run.chars().filter(char::is_ascii_digit).collect();
    let national = if run.starts_with('+') {
        match digits.strip_prefix("31") {
            // "+31 (0)6 …": the trunk zero in brackets is written but not dialled.
            Some(rest) => format!("0{}", rest.strip_prefix('0').unwrap_or(rest)),
            None => return false,
        }
    } else if let Some(rest) = digits.strip_prefix("0031") {
        format!("0{}", rest.strip_prefix('0').unwrap_or(rest))
    } else {
        digits
    };
    let b = national.as_bytes();
    b.len() == 10 && b[0] == b'0' && matches!(b[1], b'1'..=b'7')
}

/// Whether a text starts like a day-first or ISO date (`01-02-2016`, `2016-01-02`).
fn looks_like_date_start(text: &str) -> bool {
    let end = text
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '-' | '/' | '.')))
        .map_or(text.len(), |(i, _)| i);
    date_year(&text[..end]).is_some()
}

/// Whether a value holds an e-mail address (`naam@domein.nl`), also inside other text.
pub(crate) fn contains_email(value: &str) -> bool {
    let bytes = value.as_bytes();
    let local = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-');
    let domain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-');
    bytes.iter().enumerate().any(|(at, &b)| {
        if b != b'@' || at == 0 || !local(bytes[at - 1]) {
            return false;
        }
        let end = bytes[at + 1..]
            .iter()
            .position(|&b| !domain(b))
            .map_or(bytes.len(), |p| at + 1 + p);
        let host = value[at + 1..end].trim_end_matches('.');
        let Some((name, top)) = host.rsplit_once('.') else {
            return false;
        };
        !name.is_empty()
            && !name.starts_with('.')
            && top.len() >= 2
            && top.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

/// Whether a value is a Dutch postcode: four digits (not starting with 0) and two letters, with
/// or without a space (`9712 AB`, `9712AB`).
pub(crate) fn is_postcode(value: &str) -> bool {
    let compact: String = value.split_whitespace().collect();
    postcode_prefix(&compact) == Some(compact.len())
}

/// The length of a postcode at the start of a text without spaces (`9712AB…`), or None. The
/// letter pairs SA, SD and SS are not used in postcodes; a year with JJ, MM, KW or HJ is a CBS
/// period key (`2016MM01`), and with GM, WK or BU a year and an area code (`2024GM0014`).
fn postcode_prefix(text: &str) -> Option<usize> {
    let b = text.as_bytes();
    if b.len() < 6
        || !matches!(b[0], b'1'..=b'9')
        || !b[1..4].iter().all(u8::is_ascii_digit)
        || !b[4..6].iter().all(u8::is_ascii_alphabetic)
    {
        return None;
    }
    let letters = text[4..6].to_ascii_uppercase();
    let number: u32 = text[..4].parse().ok()?;
    let period_key = (1900..=2100).contains(&number)
        && matches!(
            letters.as_str(),
            "JJ" | "MM" | "KW" | "HJ" | "GM" | "WK" | "BU"
        );
    let unused = matches!(letters.as_str(), "SA" | "SD" | "SS");
    (!period_key && !unused).then_some(6)
}

/// Whether a text is a house number: up to five digits, optionally with a letter or an addition
/// (`12`, `12a`, `12-2`, `12 bis`… as one token: `12a`, `12-2`, `12/3`).
pub(crate) fn is_house_number(text: &str) -> bool {
    let text = text.trim();
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 || text.starts_with('0') {
        return false;
    }
    let rest = &text[digits..];
    rest.is_empty()
        || (rest.len() <= 2 && rest.bytes().all(|b| b.is_ascii_alphabetic()))
        || (rest.len() <= 5
            && (rest.starts_with('-') || rest.starts_with('/'))
            && rest[1..].bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Whether a value holds a postcode together with a house number, which together are an address:
/// `9712 AB 12`, `9712AB 12a`, `9712AB12`, or `Oude Boteringestraat 53, 9712 GE Groningen`.
pub(crate) fn contains_address(value: &str) -> bool {
    // Every form has a postcode's four digits in a row; most values have none.
    let four_digits = value
        .as_bytes()
        .windows(4)
        .any(|w| w.iter().all(u8::is_ascii_digit));
    if !four_digits {
        return false;
    }
    let tokens: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .collect();
    (0..tokens.len()).any(|i| {
        let token = tokens[i];
        // The postcode in one token (`9712AB`, or `9712AB12` with the number attached) or two.
        let (after, attached) = match postcode_prefix(token) {
            Some(len) if len == token.len() => (i + 1, None),
            Some(len) => (i + 1, Some(&token[len..])),
            None => {
                let split = tokens.get(i + 1).is_some_and(|letters| {
                    letters.len() == 2
                        && letters.bytes().all(|b| b.is_ascii_uppercase())
                        && postcode_prefix(&format!("{token}{letters}")) == Some(6)
                });
                if !split || token.len() != 4 {
                    return false;
                }
                (i + 2, None)
            }
        };
        if let Some(number) = attached {
            return is_house_number(number);
        }
        let number_after = tokens.get(after).is_some_and(|t| is_house_number(t));
        // "Straat 12, 9712 AB": a house number right before the postcode, after a word.
        let number_before = i >= 2
            && is_house_number(tokens[i - 1])
            && tokens[i - 2].chars().any(char::is_alphabetic);
        number_after || number_before
    })
}

/// Words between a person's given name or initials and the family name (`de`, `van der`, `ter`).
const TUSSENVOEGSELS: &[&str] = &[
    "van", "de", "der", "den", "het", "'t", "ter", "ten", "te", "in", "op", "aan", "la", "le",
    "du", "da", "di", "del", "dos", "el", "al", "von", "vd", "v.d.", "'s",
];

/// How a letter, a salutation or a form addresses a person (`Dhr. Jansen`, `mevr. de Vries`).
const SALUTATIONS: &[&str] = &[
    "dhr", "dhr.", "mw", "mw.", "mevr", "mevr.", "mevrouw", "meneer", "heer", "mr.", "dr.", "drs.",
    "ir.", "ing.",
];

/// Common given names in the Netherlands, separated by spaces (a name followed by a family name
/// is a person's name).
/// A sample, not a register: it catches names like `Jan de Vries` or `Fatima El Amrani`; a
/// column of names written otherwise is caught by its initials, by its column name, or not.
const GIVEN_NAMES: &str =
    "jan johannes hendrik henk cornelis kees pieter piet peter willem wim gerrit jacobus jaap \
     johan hans klaas dirk gerard frank marco mark martin michel erik eric robert rob paul \
     richard ronald rené rene arjan bas thijs tim tom thomas daan sem lucas luuk milan levi \
     noah jesse bram lars ruben stijn niels jeroen sander dennis vincent jasper joost maarten \
     bart koen wouter stefan patrick edwin marcel rick kevin mike adriaan arie bernard bert \
     chris dick evert frans fred gert harm harry herman jacob jos joris karel marinus nico roel \
     sjoerd theo youssef mohamed mohammed ahmed mustafa mehmet ibrahim hamza omar maria johanna \
     cornelia elisabeth wilhelmina hendrika ingrid monique petra sandra linda marieke anja \
     annemarie esther ellen karin marloes sanne lisa emma julia sophie anouk eva fleur lotte \
     lieke femke iris sara saskia mirjam nicole ilse inge jolanda marian mariska yvonne wendy \
     laura daphne fatima ayse naima samira";

/// Endings of the last word of a place, street or area name (`Jan Steenstraat`, `Piet Heinbuurt`,
/// `Johan de Wittlaan`): a name ending so is a place named after a person, not a person. Endings
/// that family names share (`-berg`, `-hof`, `-kamp`, `-akker`: `Westerhof`, `Bakker`) are left
/// out; a family name needs more than its ending (`Berg` alone is a family name).
const PLACE_ENDINGS: &[&str] = &[
    "straat",
    "laan",
    "weg",
    "plein",
    "pad",
    "park",
    "buurt",
    "wijk",
    "kwartier",
    "kade",
    "singel",
    "gracht",
    "dreef",
    "steeg",
    "markt",
    "gang",
    "diep",
    "haven",
    "plantsoen",
    "brug",
    "tuin",
    "tuinen",
    "strand",
    "polder",
    "kanaal",
    "school",
    "college",
    "ziekenhuis",
    "station",
    "centrum",
    "gebied",
    "terrein",
    "eiland",
    "complex",
    "flat",
    "zone",
    "dorp",
    "stad",
    "zijl",
    "werf",
];

/// Last words that make a name a part of a place (`Fatima Oost`), where no family name is.
const PLACE_WORDS: &[&str] = &[
    "oost",
    "west",
    "noord",
    "zuid",
    "centrum",
    "midden",
    "kern",
    "dorp",
    "stad",
    "buiten",
    "binnen",
    "noordoost",
    "noordwest",
    "zuidoost",
    "zuidwest",
];

/// Whether a value looks like a person's name: initials and a family name (`J. Jansen`,
/// `J.P. de Vries`), a salutation and a family name (`Dhr. Jansen`), the family name first
/// (`Jansen, J.`, `Vries, P. de`), or a common given name and a family name (`Jan de Vries`).
/// Not when the last word ends like a place (`Jan Steenstraat`), which areas and streets
/// named after people do.
pub(crate) fn looks_like_person_name(value: &str) -> bool {
    let value = value.trim();
    // Every form has two words or a comma; a single word is no name this can tell.
    if !value.contains([' ', ',']) {
        return false;
    }
    if let Some((family, given)) = value.split_once(',') {
        let given: Vec<&str> = given.split_whitespace().collect();
        return given.first().is_some_and(|t| is_initials(t))
            && given[1..].iter().all(|t| is_tussenvoegsel(t))
            && is_family_name(&family.split_whitespace().collect::<Vec<_>>());
    }
    let tokens: Vec<&str> = value.split_whitespace().collect();
    let Some(first) = tokens.first() else {
        return false;
    };
    let initials = tokens.iter().take_while(|t| is_initials(t)).count();
    let rest = if initials > 0 {
        &tokens[initials..]
    } else if let Some(skip) = salutation(&tokens) {
        let after = &tokens[skip..];
        let initials = after.iter().take_while(|t| is_initials(t)).count();
        &after[initials..]
    } else if is_given_name(first) {
        &tokens[1..]
    } else {
        return false;
    };
    is_family_name(rest)
}

/// How many words of salutation a name starts with (`Dhr.`, `De heer`), if it starts with one.
fn salutation(tokens: &[&str]) -> Option<usize> {
    let lower: Vec<String> = tokens.iter().take(2).map(|t| t.to_lowercase()).collect();
    match lower.as_slice() {
        [de, heer] if de == "de" && heer == "heer" => Some(2),
        [first, ..] if SALUTATIONS.contains(&first.as_str()) => Some(1),
        _ => None,
    }
}

/// Whether a word is a common given name, capitalised as a name is.
fn is_given_name(word: &str) -> bool {
    let lower = word.to_lowercase();
    is_capitalised(word) && GIVEN_NAMES.split_whitespace().any(|name| name == lower)
}

/// Whether words are a family name: optional tussenvoegsels, then one or two capitalised words,
/// the last not ending like a place (`Steenstraat`; but `Berg` and `van den Broek` are family
/// names) and not a regnal number (`Willem III`).
fn is_family_name(words: &[&str]) -> bool {
    let prefix = words.iter().take_while(|t| is_tussenvoegsel(t)).count();
    let name = &words[prefix..];
    let Some(last) = name.last() else {
        return false;
    };
    let last_lower = last.to_lowercase();
    // Each part of a joined word counts: `Scottbuurt-Oost`.
    let place = last_lower.split('-').any(|part| {
        PLACE_WORDS.contains(&part)
            || PLACE_ENDINGS
                .iter()
                .any(|e| part.len() > e.len() && part.ends_with(e))
    });
    let regnal = last.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    (1..=2).contains(&name.len()) && name.iter().all(|t| is_capitalised(t)) && !place && !regnal
}

fn is_tussenvoegsel(word: &str) -> bool {
    TUSSENVOEGSELS.contains(&word.to_lowercase().as_str())
}

/// Initials as written before a name: capitals each followed by a dot (`J.`, `J.P.`).
fn is_initials(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    !chars.is_empty()
        && chars.len().is_multiple_of(2)
        && chars
            .chunks(2)
            .all(|pair| pair[0].is_uppercase() && pair[1] == '.')
}

/// A word written as a name: a capital, then letters (hyphens and apostrophes allowed).
fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    chars.next().is_some_and(char::is_uppercase)
        && word.chars().count() >= 2
        && chars.all(|c| c.is_alphabetic() || c == '-' || c == '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn digits(n: &str) -> [u8; 9] {
        bsn_digits(n).expect(n)
    }

    #[test]
    fn the_elfproef_accepts_known_valid_numbers() {
        // 111222333: 9+8+7+12+10+8+9+6 = 69, minus 3 = 66 = 6 × 11.
        // 123456782: 9+16+21+24+25+24+21+16 = 156, minus 2 = 154 = 14 × 11.
        for valid in [
            "111222333",
            "123456782",
            "999999990",
            "1112.22.333",
            "012345672",
        ] {
            assert!(passes_elfproef(&digits(valid)), "{valid}");
        }
        // Eight digits: the leading zero a spreadsheet drops ("012345672").
        assert!(passes_elfproef(&digits("12345672")));
    }

    #[test]
    fn the_elfproef_refuses_known_invalid_numbers() {
        // 123456789: 156 − 9 = 147 = 13 × 11 + 4.
        for invalid in ["123456789", "111222334", "987654321", "100000000"] {
            assert!(!passes_elfproef(&digits(invalid)), "{invalid}");
        }
    }

    #[test]
    fn only_eight_or_nine_digits_are_read_as_a_bsn() {
        for not in [
            "",
            "12345",
            "1234567890",
            "12-34-56-789",
            "BSN 111222333",
            "000000000",
        ] {
            assert!(bsn_digits(not).is_none(), "{not}");
        }
    }

    #[test]
    fn reads_dates_as_exports_write_them() {
        assert_eq!(date_year("30-6-2016 21:45"), Some(2016));
        assert_eq!(date_year("01/02/1975"), Some(1975));
        assert_eq!(date_year("1.2.1968"), Some(1968));
        assert_eq!(date_year("1975-03-12"), Some(1975));
        assert_eq!(date_year("1975-03-12T00:00:00"), Some(1975));
        for not in [
            "13.9",
            "2016",
            "30-2-2016",
            "1-13-2016",
            "12-03-75",
            "2016/03/12",
            "A72",
        ] {
            assert_eq!(date_year(not), None, "{not}");
        }
    }

    #[test]
    fn finds_dutch_phone_numbers() {
        for phone in [
            "06-12345678",
            "06 12345678",
            "0612345678",
            "06 1234 5678",
            "050-1234567",
            "(050) 123 45 67",
            "+31 6 12345678",
            "+31 (0)6 1234 5678",
            "+31612345678",
            "0031 6 12345678",
            "0031612345678",
            "bel 06-12345678 na 17 uur",
            "tel.: 0591-123456",
        ] {
            assert!(contains_phone(phone), "{phone}");
        }
        for not in [
            "30-6-2016 21:45",
            "01-02-2016 10:00",
            "0800-1234567",
            "0900 1234567",
            "PL0100_BVH_2016188681",
            "NL91ABNA0417164300",
            "13.9",
            "233823",
            "06-1234567",
            "+32 6 12345678",
            "0,50",
        ] {
            assert!(!contains_phone(not), "{not}");
        }
    }

    #[test]
    fn finds_e_mail_addresses() {
        for mail in [
            "j.jansen@example.nl",
            "mail: piet+wijk@gemeente.groningen.nl.",
        ] {
            assert!(contains_email(mail), "{mail}");
        }
        for not in ["@home", "j@", "a@b", "a@b.c", "Erf/Tuin/Balkon", "x@.nl"] {
            assert!(!contains_email(not), "{not}");
        }
    }

    #[test]
    fn finds_postcodes_with_house_numbers() {
        for address in [
            "9712 AB 12",
            "9712AB 12a",
            "9712AB12",
            "9712 AB, 12-2",
            "Oude Boteringestraat 53, 9712 GE Groningen",
        ] {
            assert!(contains_address(address), "{address}");
        }
        for not in [
            "9712 AB",
            "9712AB",
            "9712",
            "9712 AB Groningen",
            "2016MM01",
            "2016JJ00",
            "2024GM1234",
            "0712 AB 12",
            "Wijk 03 Korrewegwijk",
            "Open Huis 5 september 2010",
        ] {
            assert!(!contains_address(not), "{not}");
        }
        assert!(is_postcode("9712 AB") && is_postcode("9712ab") && !is_postcode("9712"));
        assert!(is_house_number("42") && is_house_number("12a") && is_house_number("12-2"));
        assert!(!is_house_number("7:00 AM") && !is_house_number("0") && !is_house_number("A"));
    }

    #[test]
    fn recognises_written_person_names() {
        for name in [
            "J. Jansen",
            "P. de Vries",
            "J.P. van der Berg",
            "A.B. Jansen-de Vries",
            "Dhr. Jansen",
            "mevr. de Vries",
            "De heer Bakker",
            "Jansen, J.",
            "Vries, P. de",
            "Jan de Vries",
            "Fatima El Amrani",
            "Piet van den Broek",
            "Mw. Westerhof",
        ] {
            assert!(looks_like_person_name(name), "{name}");
        }
        for not in [
            "Binnenstad-Oost",
            "Oost-Indischebuurt",
            "Jozef Israëlsstraat",
            "Jan Steenstraat",
            "J.C. Kapteynlaan",
            "Willem III",
            "De Hoogte",
            "Van Starkenborgh",
            "Groningen",
            "Driebergen - Heidestein-Bornia-Noordhout",
            "Erf/Tuin/Balkon",
            "jan de vries",
            "",
        ] {
            assert!(!looks_like_person_name(not), "{not}");
        }
    }
}
