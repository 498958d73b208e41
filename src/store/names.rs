//! Generated container names, as docker's `adjective_surname` (e.g.
//! `patient_lovelace`). The lists are berth's own: calm adjectives and
//! scientists and engineers whose work computing stands on.

/// Adjectives, lowercase ASCII, no underscores.
const ADJECTIVES: &[&str] = &[
    "able", "agile", "airy", "amber", "ample", "ardent", "astute", "balmy", "bold", "brave",
    "breezy", "bright", "brisk", "bubbly", "buoyant", "calm", "candid", "careful", "charming",
    "cheery", "civic", "clever", "cosmic", "cozy", "crisp", "curious", "dapper", "daring", "deft",
    "devoted", "diligent", "dreamy", "eager", "earnest", "elated", "elegant", "epic", "fabled",
    "fearless", "fervent", "festive", "fluent", "fond", "frank", "fresh", "friendly", "frosty",
    "gallant", "gentle", "gifted", "glad", "gleaming", "golden", "graceful", "grand", "hardy",
    "hearty", "helpful", "honest", "humble", "idle", "jolly", "jovial", "keen", "kind", "lively",
    "loyal", "lucid", "lucky", "mellow", "merry", "mighty", "modest", "nimble", "noble", "patient",
    "peaceful", "plucky", "polite", "precise", "proud", "quick", "quiet", "radiant", "rapid",
    "ready", "robust", "serene", "sharp", "shiny", "sincere", "snug", "spry", "steady", "sturdy",
    "sunny", "swift", "tender", "tidy", "tranquil", "upbeat", "valiant", "vivid", "warm", "witty",
    "zealous",
];

/// Surnames of scientists and engineers, lowercase ASCII.
const SURNAMES: &[&str] = &[
    "agnesi",
    "allen",
    "aryabhata",
    "babbage",
    "backus",
    "bardeen",
    "bartik",
    "bell",
    "berners",
    "bohr",
    "boole",
    "borg",
    "brattain",
    "cantor",
    "carnot",
    "cerf",
    "chandrasekhar",
    "clarke",
    "codd",
    "conway",
    "corbato",
    "cray",
    "curie",
    "dijkstra",
    "dirac",
    "easley",
    "eckert",
    "engelbart",
    "euclid",
    "euler",
    "faraday",
    "fermi",
    "feynman",
    "floyd",
    "fourier",
    "franklin",
    "galois",
    "gauss",
    "germain",
    "goldberg",
    "goodall",
    "hamilton",
    "hamming",
    "hawking",
    "hertz",
    "hilbert",
    "hoare",
    "holberton",
    "hopper",
    "huffman",
    "hypatia",
    "jackson",
    "jemison",
    "johnson",
    "kahan",
    "karp",
    "kay",
    "kepler",
    "kernighan",
    "kilby",
    "knuth",
    "kowalevski",
    "lamarr",
    "lamport",
    "leibniz",
    "liskov",
    "lovelace",
    "maxwell",
    "mccarthy",
    "meitner",
    "mendel",
    "minsky",
    "mirzakhani",
    "moore",
    "napier",
    "neumann",
    "newton",
    "noether",
    "noyce",
    "nygaard",
    "ohm",
    "pascal",
    "perlman",
    "planck",
    "raman",
    "ramanujan",
    "ritchie",
    "rivest",
    "sammet",
    "shamir",
    "shannon",
    "shockley",
    "somerville",
    "stallman",
    "sutherland",
    "tesla",
    "thompson",
    "torvalds",
    "turing",
    "volta",
    "wilkes",
    "wirth",
    "wozniak",
    "yonath",
    "zuse",
];

/// A random `adjective_surname`. From the first retry on, a digit is
/// appended (docker does the same), which multiplies the space tenfold when
/// the plain names collide.
pub fn random_name(retry: u32) -> String {
    let adj = ADJECTIVES[rand::random_range(0..ADJECTIVES.len())];
    let surname = SURNAMES[rand::random_range(0..SURNAMES.len())];
    if retry == 0 {
        format!("{adj}_{surname}")
    } else {
        format!("{adj}_{surname}{}", rand::random_range(0..10u8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn lists_are_large_clean_and_unique() {
        for list in [ADJECTIVES, SURNAMES] {
            assert!(list.len() >= 100, "list has {}", list.len());
            let set: HashSet<_> = list.iter().collect();
            assert_eq!(set.len(), list.len(), "duplicates in a name list");
            assert!(list
                .iter()
                .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase())));
        }
    }

    #[test]
    fn names_have_docker_shape_and_retries_add_a_digit() {
        let first = random_name(0);
        let (adj, surname) = first.split_once('_').expect("adjective_surname");
        assert!(ADJECTIVES.contains(&adj) && SURNAMES.contains(&surname));
        let retried = random_name(3);
        let last = retried.chars().last().expect("non-empty");
        assert!(last.is_ascii_digit(), "{retried}");
        let many: HashSet<String> = (0..200).map(|_| random_name(0)).collect();
        assert!(many.len() > 150, "names should vary: {}", many.len());
    }
}
