//! `promenade::parse` never panics: arbitrary strings, strings built from the formats' own
//! tokens, and valid expositions with random edits all come back as `Ok` or `Err`.

use promenade::parse::{self, Format, Parser};
use quickcheck::{Arbitrary, Gen, QuickCheck};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

fn parsers() -> [Parser; 3] {
    [
        Parser::new(Format::Text),
        Parser::new(Format::Text).lenient(),
        Parser::new(Format::OpenMetrics),
    ]
}

/// The pieces the grammars are made of, so random input reaches deep into the parser.
const TOKENS: &[&str] = &[
    "#",
    " ",
    "  ",
    "\t",
    "\n",
    "\r",
    "# ",
    "HELP",
    "TYPE",
    "UNIT",
    "EOF",
    "# EOF",
    "counter",
    "gauge",
    "histogram",
    "gaugehistogram",
    "summary",
    "info",
    "stateset",
    "unknown",
    "untyped",
    "a",
    "a_total",
    "a_created",
    "a_bucket",
    "a_sum",
    "a_count",
    "a_gsum",
    "a_gcount",
    "a_info",
    "_total",
    "_bucket",
    "{",
    "}",
    "=",
    "\"",
    "\\",
    "\\n",
    "\\\"",
    "\\\\",
    ",",
    "le",
    "quantile",
    "le=\"+Inf\"",
    "le=\"1\"",
    "quantile=\"0.5\"",
    "+Inf",
    "-Inf",
    "NaN",
    "Infinity",
    "0",
    "1",
    "-1",
    "1.5",
    "1e3",
    "1e400",
    "0x1",
    "1_0",
    ".",
    "e",
    "é",
    "😀",
    "\u{0}",
    "# {",
    "# {}",
    "{}",
    "seconds",
    "a_seconds",
    "__name__",
    "9",
    "1700000000000",
    "-0.5",
];

#[derive(Clone, Debug)]
struct Tokens(String);

impl Arbitrary for Tokens {
    fn arbitrary(g: &mut Gen) -> Self {
        let n = usize::arbitrary(g) % 60;
        let mut s = String::new();
        for _ in 0..n {
            s.push_str(g.choose(TOKENS).copied().unwrap_or(""));
        }
        Tokens(s)
    }

    fn shrink(&self) -> Box<dyn Iterator<Item = Self>> {
        Box::new(self.0.shrink().map(Tokens))
    }
}

/// A valid exposition of each format with random edits: insertions of tokens, deletions
/// and duplications of characters, at random character positions.
#[derive(Clone, Debug)]
struct Edited(String);

const VALID_TEXT: &str = "# HELP h Latency.\\n\\\\ok\n# TYPE h histogram\nh_bucket{a=\"x\\\"\",le=\"0.5\"} 1\nh_bucket{a=\"x\\\"\",le=\"+Inf\"} 2\nh_sum{a=\"x\\\"\"} 1.5\nh_count{a=\"x\\\"\"} 2\n# TYPE s summary\ns{quantile=\"0.5\"} 1 1700000000000\ns_sum 3\ns_count 4\nu{z=\"\"} NaN\n";
const VALID_OM: &str = "# TYPE c counter\n# HELP c Jobs \\\"done\\\".\nc_total{a=\"\\n\"} 3 # {t=\"1\"} 1 1.5\nc_created{a=\"\\n\"} 1.7e9\n# TYPE h histogram\n# UNIT h \nh_bucket{le=\"-1\"} 0\nh_bucket{le=\"1.0\"} 1 # {} 0.5\nh_bucket{le=\"+Inf\"} 1\n# TYPE st stateset\nst{st=\"a\"} 1\n# TYPE i info\ni_info{v=\"1\"} 1\n# TYPE g gaugehistogram\ng_bucket{le=\"+Inf\"} 2\ng_gsum 1\ng_gcount 2\n# EOF\n";

impl Arbitrary for Edited {
    fn arbitrary(g: &mut Gen) -> Self {
        let base = if bool::arbitrary(g) {
            VALID_TEXT
        } else {
            VALID_OM
        };
        let mut chars: Vec<char> = base.chars().collect();
        for _ in 0..(1 + usize::arbitrary(g) % 4) {
            let at = usize::arbitrary(g) % (chars.len() + 1);
            match u8::arbitrary(g) % 3 {
                0 => {
                    let token = g.choose(TOKENS).copied().unwrap_or("");
                    chars.splice(at..at, token.chars());
                }
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ if at < chars.len() => {
                    let c = chars[at];
                    chars.insert(at, c);
                }
                _ => {}
            }
        }
        Edited(chars.into_iter().collect())
    }
}

/// How many parses succeeded and failed, so the tests can show they exercised both.
static OUTCOMES: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];

fn parse_all(input: &str) -> bool {
    for parser in parsers() {
        let result = parser.parse(input);
        OUTCOMES[usize::from(result.is_err())].fetch_add(1, Relaxed);
        if let Err(e) = result {
            // Positions always point into the input (or just past its end).
            let lines = input.split('\n').count();
            assert!(e.line() >= 1 && e.line() <= lines, "{e} for {input:?}");
            assert!(e.column() >= 1, "{e} for {input:?}");
            assert!(!e.message().is_empty());
        }
    }
    true
}

fn any_string(s: String) -> bool {
    parse_all(&s)
}

fn tokens(t: Tokens) -> bool {
    parse_all(&t.0)
}

fn edited(e: Edited) -> bool {
    parse_all(&e.0)
}

#[test]
fn arbitrary_strings_never_panic() {
    QuickCheck::new()
        .tests(3000)
        .quickcheck(any_string as fn(String) -> bool);
}

#[test]
fn token_soup_never_panics() {
    QuickCheck::new()
        .tests(5000)
        .rng(Gen::new(80))
        .quickcheck(tokens as fn(Tokens) -> bool);
}

#[test]
fn edited_expositions_never_panic() {
    assert!(parse::text(VALID_TEXT).is_ok());
    assert!(parse::openmetrics(VALID_OM).is_ok());
    QuickCheck::new()
        .tests(5000)
        .quickcheck(edited as fn(Edited) -> bool);
    // Some edits leave a valid exposition, most do not: both paths ran.
    assert!(OUTCOMES[0].load(Relaxed) > 100, "{OUTCOMES:?}");
    assert!(OUTCOMES[1].load(Relaxed) > 100, "{OUTCOMES:?}");
}

/// Arbitrary bytes, and the valid expositions with a random byte overwritten, through
/// `parse_bytes`: `Ok` or an `Err` whose line is in the input.
fn any_bytes(bytes: Vec<u8>, at: usize, byte: u8) -> bool {
    let mut inputs = vec![bytes];
    for base in [VALID_TEXT, VALID_OM] {
        let mut edited = base.as_bytes().to_vec();
        let i = at % edited.len();
        edited[i] = byte;
        inputs.push(edited);
    }
    for input in inputs {
        for parser in parsers() {
            if let Err(e) = parser.parse_bytes(&input) {
                let lines = input.split(|b| *b == b'\n').count();
                assert!(e.line() >= 1 && e.line() <= lines, "{e} for {input:?}");
                assert!(e.column() >= 1, "{e} for {input:?}");
            }
        }
    }
    true
}

#[test]
fn arbitrary_bytes_never_panic() {
    QuickCheck::new()
        .tests(3000)
        .quickcheck(any_bytes as fn(Vec<u8>, usize, u8) -> bool);
}
