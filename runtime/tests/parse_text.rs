//! `promenade::parse` on Prometheus text 0.0.4: whole results for good input, the exact
//! position and message for bad input, and what the lenient mode lets through.

use promenade::parse::{self, Format, MetricFamily, MetricType, Parser, Sample, Timestamp};

fn labels(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn sample(name: &str, l: &[(&str, &str)], value: f64) -> Sample {
    Sample {
        name: name.into(),
        labels: labels(l),
        value,
        timestamp: None,
        exemplar: None,
    }
}

/// The error's `line:column: message`.
fn bad(input: &str) -> String {
    match parse::text(input) {
        Ok(f) => panic!("accepted {input:?}: {f:?}"),
        Err(e) => format!("{}:{}: {}", e.line(), e.column(), e.message()),
    }
}

#[test]
fn a_go_style_exposition_parses_whole() {
    let input = "\
# HELP http_requests_total The total number of HTTP requests.
# TYPE http_requests_total counter
http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000
http_requests_total{method=\"post\",code=\"400\"}    3 1395066363000

# Escaping in label values:
msdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9

# Minimalistic line:
metric_without_timestamp_and_labels 12.47

# A weird metric from before the epoch:
something_weird{problem=\"division by zero\"} +Inf 0

# A histogram, which has a pretty complex representation in the text format:
# HELP http_request_duration_seconds A histogram of the request duration.
# TYPE http_request_duration_seconds histogram
http_request_duration_seconds_bucket{le=\"0.05\"} 24054
http_request_duration_seconds_bucket{le=\"0.1\"} 33444
http_request_duration_seconds_bucket{le=\"+Inf\"} 144320
http_request_duration_seconds_sum 53423
http_request_duration_seconds_count 144320

# Finally a summary, which has a complex representation, too:
# HELP rpc_duration_seconds A summary of the RPC duration in seconds.
# TYPE rpc_duration_seconds summary
rpc_duration_seconds{quantile=\"0.01\"} 3102
rpc_duration_seconds{quantile=\"0.99\"} 76656
rpc_duration_seconds_sum 1.7560473e+07
rpc_duration_seconds_count 2693
";
    let families = parse::text(input).unwrap();
    let ts = |s: Sample| Sample {
        timestamp: Some(Timestamp::Millis(1395066363000)),
        ..s
    };
    let expected = vec![
        MetricFamily {
            name: "http_requests_total".into(),
            metric_type: MetricType::Counter,
            help: Some("The total number of HTTP requests.".into()),
            unit: None,
            samples: vec![
                ts(sample(
                    "http_requests_total",
                    &[("method", "post"), ("code", "200")],
                    1027.0,
                )),
                ts(sample(
                    "http_requests_total",
                    &[("method", "post"), ("code", "400")],
                    3.0,
                )),
            ],
        },
        MetricFamily {
            name: "msdos_file_access_time_seconds".into(),
            metric_type: MetricType::Unknown,
            help: None,
            unit: None,
            samples: vec![sample(
                "msdos_file_access_time_seconds",
                &[
                    ("path", "C:\\DIR\\FILE.TXT"),
                    ("error", "Cannot find file:\n\"FILE.TXT\""),
                ],
                1.458255915e9,
            )],
        },
        MetricFamily {
            name: "metric_without_timestamp_and_labels".into(),
            metric_type: MetricType::Unknown,
            help: None,
            unit: None,
            samples: vec![sample("metric_without_timestamp_and_labels", &[], 12.47)],
        },
        MetricFamily {
            name: "something_weird".into(),
            metric_type: MetricType::Unknown,
            help: None,
            unit: None,
            samples: vec![Sample {
                timestamp: Some(Timestamp::Millis(0)),
                ..sample(
                    "something_weird",
                    &[("problem", "division by zero")],
                    f64::INFINITY,
                )
            }],
        },
        MetricFamily {
            name: "http_request_duration_seconds".into(),
            metric_type: MetricType::Histogram,
            help: Some("A histogram of the request duration.".into()),
            unit: None,
            samples: vec![
                sample(
                    "http_request_duration_seconds_bucket",
                    &[("le", "0.05")],
                    24054.0,
                ),
                sample(
                    "http_request_duration_seconds_bucket",
                    &[("le", "0.1")],
                    33444.0,
                ),
                sample(
                    "http_request_duration_seconds_bucket",
                    &[("le", "+Inf")],
                    144320.0,
                ),
                sample("http_request_duration_seconds_sum", &[], 53423.0),
                sample("http_request_duration_seconds_count", &[], 144320.0),
            ],
        },
        MetricFamily {
            name: "rpc_duration_seconds".into(),
            metric_type: MetricType::Summary,
            help: Some("A summary of the RPC duration in seconds.".into()),
            unit: None,
            samples: vec![
                sample("rpc_duration_seconds", &[("quantile", "0.01")], 3102.0),
                sample("rpc_duration_seconds", &[("quantile", "0.99")], 76656.0),
                sample("rpc_duration_seconds_sum", &[], 1.7560473e7),
                sample("rpc_duration_seconds_count", &[], 2693.0),
            ],
        },
    ];
    assert_eq!(families, expected);
}

#[test]
fn whitespace_comments_trailing_comma_and_special_values() {
    let families = parse::text(
        "  # a comment\n\t# EOF is only a comment here\n# TYPE a untyped\n a { x = \"1\" , y=\"é}{#,=\" , } \t NaN \n\nb -Inf\nc +inf\nd 1e-400\ne .5\n",
    )
    .unwrap();
    assert_eq!(families.len(), 5);
    assert_eq!(families[0].metric_type, MetricType::Unknown);
    let a = &families[0].samples[0];
    assert_eq!(a.labels, labels(&[("x", "1"), ("y", "é}{#,=")]));
    assert!(a.value.is_nan());
    assert_eq!(families[1].samples[0].value, f64::NEG_INFINITY);
    assert_eq!(families[2].samples[0].value, f64::INFINITY);
    assert_eq!(families[3].samples[0].value, 0.0);
    assert_eq!(families[4].samples[0].value, 0.5);
}

#[test]
fn help_escapes_and_empty_input() {
    assert_eq!(parse::text("").unwrap(), vec![]);
    assert_eq!(parse::text("\n\n# just a comment\n").unwrap(), vec![]);
    let f =
        parse::text("# HELP a back\\\\slash \"quoted\"\\nnext line  \na 1\n# HELP b\n").unwrap();
    assert_eq!(
        f[0].help.as_deref(),
        Some("back\\slash \"quoted\"\nnext line  ")
    );
    assert_eq!(f[0].samples.len(), 1);
    assert_eq!((f[1].name.as_str(), f[1].help.as_deref()), ("b", Some("")));
    assert!(f[1].samples.is_empty());
}

#[test]
fn mistakes_are_reported_where_they_are() {
    let cases: &[(&str, &str)] = &[
        ("a 1", "1:4: the last line must end with a newline (`\\n`)"),
        ("a 3.14\r\n", "1:3: `3.14\\r` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("a 0x1p3\n", "1:3: `0x1p3` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("a 1_2\n", "1:3: `1_2` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("a 0b1\n", "1:3: `0b1` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("a 1e400\n", "1:3: `1e400` is out of the range of a 64-bit float"),
        ("a\n", "1:2: expected a value for `a`"),
        ("a{b=\"c\"}\n", "1:9: expected a value for `a`"),
        ("a 1 1.5\n", "1:5: timestamp `1.5` is not an integer number of milliseconds"),
        ("a 1 99999999999999999999\n", "1:5: timestamp `99999999999999999999` is out of the range of a 64-bit integer"),
        ("a 1 2 3\n", "1:7: unexpected `3` after the timestamp (a sample line is `name{labels} value [timestamp]`)"),
        ("2a 1\n", "1:1: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found `2`"),
        ("a-b 1\n", "1:2: `-b` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("a{1b=\"c\"} 1\n", "1:3: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found `1`"),
        ("a{b-c=\"d\"} 1\n", "1:4: expected `=` after label name `b`, found `-`"),
        ("a{b=\"1\",b=\"2\"} 1\n", "1:9: duplicate label `b`"),
        ("a{__name__=\"x\"} 1\n", "1:3: label name `__name__` is reserved (names starting with `__` belong to Prometheus)"),
        ("a{b=c} 1\n", "1:5: expected `\"` to open the value of label `b`, found `c`"),
        ("a{b=\"c\" d=\"e\"} 1\n", "1:9: expected `,` or `}` after the value of label `b`, found `d`"),
        ("a{b=\"c\n\"} 1\n", "1:7: unterminated label value: expected a closing `\"` (a newline inside a value is written `\\n`)"),
        ("# HELP a 1\n# HELP a 2\n", "2:8: second HELP line for `a` (the first is on line 1)"),
        ("# TYPE a gauge\n# TYPE a gauge\n", "2:8: second TYPE line for `a` (the first is on line 1)"),
        ("a 1\n# TYPE a gauge\n", "2:8: TYPE for `a` must come before its samples"),
        ("# TYPE a unknown\n", "1:10: `unknown` is the OpenMetrics spelling; text 0.0.4 calls it `untyped`"),
        ("# TYPE a info\n", "1:10: `info` is an OpenMetrics type, not valid in text 0.0.4 (use `gauge`, or `histogram` for a gauge histogram)"),
        ("# TYPE a Counter\n", "1:10: unknown type `Counter`: expected `counter`, `gauge`, `histogram`, `summary` or `untyped`"),
        ("# TYPE a counter extra\n", "1:18: unexpected `extra` after the type"),
        ("# TYPE a\n", "1:9: expected a type after the metric name `a`, found the end of the line"),
        ("# HELP\n", "1:7: expected a metric name after `# HELP`, found the end of the line"),
        ("a 1\nb 1\na 2\n", "3:1: the family `a` already appeared (line 1); the lines of one family must be grouped together"),
        ("a{x=\"1\"} 1\na{x=\"1\"} 2\n", "2:1: duplicate sample `a{x=\"1\"}` (first on line 1)"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\nx 1\nh_sum 1\n",
         "6:1: `h_sum` belongs to the family `h` (line 1), whose lines ended before; the lines of one family must be grouped together"),
        ("# TYPE h histogram\nh 1\n", "2:1: `h` is not a sample of the histogram `h`: its samples are named `h_bucket`, `h_sum`, `h_count`"),
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n", "2:1: `h`: the last bucket must be `le=\"+Inf\"`"),
        ("# TYPE h histogram\nh_bucket{le=\"2\"} 1\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 1\n", "3:1: `h`: buckets must be in increasing order of `le` (`1` after `2`)"),
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\n", "3:1: `h`: bucket counts are cumulative, but `le=\"+Inf\"` has 1 after 2 at `le=\"1\"`"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n", "4:1: `h`: `_count` is 3 but the `+Inf` bucket is 2; they must be equal"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\n", "3:1: `h` has `_sum` but no `_count`; they come together"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_count 2\n", "3:1: `h` has `_count` but no `_sum`; they come together"),
        ("# TYPE h histogram\nh_sum 0\nh_count 0\n", "2:1: the histogram `h` has no buckets; `h_bucket{le=\"+Inf\"}` is required"),
        ("# TYPE h histogram\nh_bucket 0\n", "2:1: the histogram bucket `h_bucket` has no `le` label"),
        ("# TYPE h histogram\nh_bucket{le=\"x\"} 0\n", "2:1: invalid `le` label: `x` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 0\nh_sum{le=\"1\"} 0\nh_count 0\n", "3:1: `h_sum{le=\"1\"}`: the `le` label is only allowed on `_bucket` samples"),
        ("# TYPE s summary\ns 1\n", "2:1: the summary sample `s` has no `quantile` label"),
        ("# TYPE s summary\ns{quantile=\"1.5\"} 1\n", "2:1: `s{quantile=\"1.5\"}`: a quantile must be between 0 and 1"),
        ("# TYPE h_count gauge\nh_count 1\n# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",
         "3:8: the histogram `h` clashes with the gauge `h_count` (line 1): both would have samples named `h_count`"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n# TYPE h_bucket gauge\nh_bucket 1\n",
         "3:8: the gauge `h_bucket` clashes with the histogram `h` (line 1): both would have samples named `h_bucket`"),
    ];
    let mut failures = Vec::new();
    for (input, expected) in cases {
        let got = bad(input);
        if got != *expected {
            failures.push(format!(
                "{input:?}\n  expected {expected}\n       got {got}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lenient_mode_accepts_what_prometheus_tolerates() {
    let input = "# HELP a first\n# HELP a second\n# TYPE a gauge\n# TYPE a gauge\na{b=\"x\\ty\",} 1\nz 1\na{b=\"2\"} 2\n# TYPE h histogram\nh_bucket{le=\"1\"} 3\nh_bucket{le=\"+Inf\"} 1\nh_count 7\nh_count 7\nlast 1";
    let families = Parser::new(Format::Text).lenient().parse(input).unwrap();
    let names: Vec<&str> = families.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["a", "z", "h", "last"]);
    assert_eq!(families[0].help.as_deref(), Some("first"));
    assert_eq!(families[0].samples.len(), 2);
    assert_eq!(families[0].samples[0].label("b"), Some("x\\ty"));
    assert_eq!(families[2].samples.len(), 4);
    assert_eq!(families[3].samples[0].value, 1.0);
    // ...and the strict parser refuses it (every piece but the `\t`, which both keep).
    assert!(parse::text(input).is_err());
    // Still errors in lenient mode: syntax, unknown types, bad numbers and timestamps.
    for input in [
        "a{b=\"1\" 1\n",
        "# TYPE a info\n",
        "a 1 1.5\n",
        "a 0x10\n",
        "# TYPE a gauge\n# TYPE a counter\n",
    ] {
        assert!(
            Parser::new(Format::Text).lenient().parse(input).is_err(),
            "{input:?}"
        );
    }
}

#[test]
fn columns_count_code_points() {
    let e = parse::text("a{b=\"ééé\",c=1} 1\n").unwrap_err();
    assert_eq!((e.line(), e.column()), (1, 13));
    assert_eq!(
        e.to_string(),
        "line 1, column 13: expected `\"` to open the value of label `c`, found `1`"
    );
}

#[test]
fn unknown_escapes_are_kept_as_written_in_strict_text() {
    // Prometheus keeps what it does not know: `\t` stays the two characters `\t`, in
    // label values and HELP, strict or lenient. `\"` is unknown in 0.0.4 HELP.
    let input =
        "# HELP a tab\\there \\\"quoted\\\" \\q\\\\ \\n.\na{b=\"x\\ty\",c=\"\\q\\\\\\\"\\n\"} 1\n";
    for parser in [
        Parser::new(Format::Text),
        Parser::new(Format::Text).lenient(),
    ] {
        let families = parser.parse(input).unwrap();
        assert_eq!(
            families[0].help.as_deref(),
            Some("tab\\there \\\"quoted\\\" \\q\\ \n."),
            "{parser:?}"
        );
        assert_eq!(
            families[0].samples[0].labels,
            labels(&[("b", "x\\ty"), ("c", "\\q\\\"\n")]),
            "{parser:?}"
        );
    }
    // a backslash at the very end of HELP is kept too
    let families = parse::text("# HELP a x\\\n").unwrap();
    assert_eq!(families[0].help.as_deref(), Some("x\\"));
    // OpenMetrics stays strict
    assert!(parse::openmetrics("a{b=\"x\\ty\"} 1\n# EOF\n").is_err());
    assert!(parse::openmetrics("# HELP a x\\ty\n# EOF\n").is_err());
}

#[test]
fn negative_timestamps_are_milliseconds_before_the_epoch() {
    let input = "a 1 -5\nb{x=\"1\"} 2 -1395066363000\nc 3 -0\nd 4 -9223372036854775808\n";
    for parser in [
        Parser::new(Format::Text),
        Parser::new(Format::Text).lenient(),
    ] {
        let families = parser.parse(input).unwrap();
        let stamps: Vec<Option<Timestamp>> =
            families.iter().map(|f| f.samples[0].timestamp).collect();
        assert_eq!(
            stamps,
            [
                Some(Timestamp::Millis(-5)),
                Some(Timestamp::Millis(-1_395_066_363_000)),
                Some(Timestamp::Millis(0)),
                Some(Timestamp::Millis(i64::MIN)),
            ],
            "{parser:?}"
        );
    }
    assert_eq!(Timestamp::Millis(-1_500).as_seconds(), -1.5);
    for (input, expected) in [
        (
            "a 1 -\n",
            "1:5: timestamp `-` is not an integer number of milliseconds",
        ),
        (
            "a 1 --5\n",
            "1:5: timestamp `--5` is not an integer number of milliseconds",
        ),
        (
            "a 1 -1.5\n",
            "1:5: timestamp `-1.5` is not an integer number of milliseconds",
        ),
        (
            "a 1 -9223372036854775809\n",
            "1:5: timestamp `-9223372036854775809` is out of the range of a 64-bit integer",
        ),
    ] {
        assert_eq!(bad(input), expected, "{input:?}");
    }
}

#[test]
fn a_sample_with_65536_labels_parses() {
    let mut line = String::from("a{");
    for i in 0..65_536 {
        line.push_str(&format!("l{i}=\"{i}\","));
    }
    line.push_str("} 1\n");
    for parser in [
        Parser::new(Format::Text),
        Parser::new(Format::Text).lenient(),
    ] {
        let families = parser.parse(&line).unwrap();
        let sample = &families[0].samples[0];
        assert_eq!(sample.labels.len(), 65_536, "{parser:?}");
        assert_eq!(sample.label("l65535"), Some("65535"), "{parser:?}");
    }
    // a histogram bucket and a summary quantile among as many labels
    let many: String = (0..65_536).map(|i| format!("l{i}=\"{i}\",")).collect();
    let histogram = format!(
        "# TYPE h histogram\nh_bucket{{{many}le=\"+Inf\"}} 1\nh_sum{{{many}}} 1\nh_count{{{many}}} 1\n# TYPE s summary\ns{{{many}quantile=\"0.5\"}} 1\n"
    );
    let families = parse::text(&histogram).unwrap();
    assert_eq!(families[0].samples[0].label("le"), Some("+Inf"));
    assert_eq!(families[1].samples[0].label("quantile"), Some("0.5"));
    // a duplicate among them is still found, where it is
    let dup = line.replace("} 1\n", "l7=\"x\"} 1\n");
    let e = parse::text(&dup).unwrap_err();
    assert_eq!((e.line(), e.column()), (1, line.chars().count() - 3));
    assert_eq!(e.message(), "duplicate label `l7`");
}
