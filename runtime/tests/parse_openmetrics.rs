//! `promenade::parse` on OpenMetrics 1.0: good and bad cases in the categories of the
//! OpenMetrics conformance suite (written here, not copied), with exact positions and
//! messages for the bad ones.

use promenade::metrics::ExemplarLabels;
use promenade::parse::{self, Exemplar, MetricType, Sample, Timestamp};

fn om(body: &str) -> String {
    format!("{body}# EOF\n")
}

#[test]
fn a_full_exposition_parses_whole() {
    let input = "\
# TYPE process_cpu_seconds counter
# UNIT process_cpu_seconds seconds
# HELP process_cpu_seconds Total user and system CPU time spent in seconds.
process_cpu_seconds_total 4.2 1520879607.789
process_cpu_seconds_created 1520000000
# TYPE latency_seconds histogram
# HELP latency_seconds Latency with \\\"quotes\\\", a \\\\ and a\\nnewline.
latency_seconds_bucket{path=\"/\",le=\"0.1\"} 2 # {trace_id=\"KOO5S4vxi0o\"} 0.067 1520879607.7
latency_seconds_bucket{path=\"/\",le=\"1.0\"} 3
latency_seconds_bucket{path=\"/\",le=\"+Inf\"} 3 # {} 1.5
latency_seconds_sum{path=\"/\"} 2.5
latency_seconds_count{path=\"/\"} 3
latency_seconds_created{path=\"/\"} 1520000000.5
# TYPE build info
build_info{version=\"1.2\"} 1
# TYPE state stateset
state{state=\"up\"} 1
state{state=\"down\"} 0
# TYPE queue gaugehistogram
queue_bucket{le=\"-1\"} 1
queue_bucket{le=\"+Inf\"} 4
queue_gsum -3
queue_gcount 4
# TYPE rpc summary
rpc{quantile=\"0.5\"} NaN
rpc_sum 0
rpc_count 0
# TYPE temp gauge
temp -Inf
temp_untyped_thing 1
# TYPE x unknown
x{a=\"\"} +inf
# EOF
";
    let families = parse::openmetrics(input).unwrap();
    let shape: Vec<(&str, MetricType, usize)> = families
        .iter()
        .map(|f| (f.name.as_str(), f.metric_type, f.samples.len()))
        .collect();
    assert_eq!(
        shape,
        [
            ("process_cpu_seconds", MetricType::Counter, 2),
            ("latency_seconds", MetricType::Histogram, 6),
            ("build", MetricType::Info, 1),
            ("state", MetricType::StateSet, 2),
            ("queue", MetricType::GaugeHistogram, 4),
            ("rpc", MetricType::Summary, 3),
            ("temp", MetricType::Gauge, 1),
            ("temp_untyped_thing", MetricType::Unknown, 1),
            ("x", MetricType::Unknown, 1),
        ]
    );
    let cpu = &families[0];
    assert_eq!(cpu.unit.as_deref(), Some("seconds"));
    assert_eq!(
        cpu.samples[0],
        Sample {
            name: "process_cpu_seconds_total".into(),
            labels: vec![],
            value: 4.2,
            timestamp: Some(Timestamp::Seconds(1520879607.789)),
            exemplar: None,
        }
    );
    let latency = &families[1];
    assert_eq!(
        latency.help.as_deref(),
        Some("Latency with \"quotes\", a \\ and a\nnewline.")
    );
    assert_eq!(
        latency.samples[0].exemplar,
        Some(
            Exemplar::new(
                &ExemplarLabels::new([("trace_id", "KOO5S4vxi0o")]).unwrap(),
                0.067,
                Some(1520879607.7)
            )
            .unwrap()
        )
    );
    assert_eq!(
        latency.samples[2].exemplar,
        Some(Exemplar::new(&ExemplarLabels::default(), 1.5, None).unwrap())
    );
    assert!(families[5].samples[0].value.is_nan());
    assert_eq!(families[8].samples[0].labels, vec![("a".into(), "".into())]);
}

#[test]
fn good_cases() {
    let cases: &[&str] = &[
        // the smallest exposition, with and without the final newline
        "# EOF\n",
        "# EOF",
        // metadata without samples, empty HELP and UNIT are absent
        "# TYPE a gauge\n# HELP a \n# UNIT a \n# EOF\n",
        // any metadata order
        "# HELP a_seconds x\n# UNIT a_seconds seconds\n# TYPE a_seconds gauge\na_seconds 1\n# EOF\n",
        // negative and fractional timestamps; repeated points with increasing timestamps
        "# TYPE a gauge\na 1 -1.5\na 2 0\na 3 1e3\n# EOF\n",
        // counters: float values, _created alone, exemplar with 128 code points exactly
        &format!("# TYPE a counter\na_total 1.5 # {{a=\"{}\"}} 1\n# EOF\n", "x".repeat(127)),
        "# TYPE a counter\na_created 123\n# EOF\n",
        // non-canonical `le` and quantile spellings are accepted
        "# TYPE h histogram\nh_bucket{le=\"1.1e-4\"} 0\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\n# EOF\n",
        "# TYPE s summary\ns{quantile=\"0\"} 1\ns{quantile=\"1e-1\"} 1\n# EOF\n",
        // a histogram with negative buckets and no _sum/_count
        "# TYPE h histogram\nh_bucket{le=\"-2\"} 1\nh_bucket{le=\"+Inf\"} 1\n# EOF\n",
        // two metrics of a family, each grouped, points with timestamps
        "# TYPE h histogram\nh_bucket{a=\"1\",le=\"+Inf\"} 1 1\nh_count{a=\"1\"} 1 1\nh_sum{a=\"1\"} 1 1\nh_bucket{a=\"2\",le=\"+Inf\"} 1 1\n# EOF\n",
        // label values with every escape and unicode
        "a{a=\"\\\\ \\\" \\n é 😀 # } { , =\"} 1\n# EOF\n",
        // case-insensitive special values
        "a NaN\nb Inf\nc -infinity\nd +INF\n# EOF\n",
        // unknown families without metadata
        "a_total 1\na_bucket 2\n# EOF\n",
        // label names with underscores and digits
        "a{_a=\"1\",b_2=\"2\"} 1\n# EOF\n",
        // the same label in another order is the same metric
        "# TYPE g gauge\ng{a=\"1\",b=\"2\"} 1 1\ng{b=\"2\",a=\"1\"} 1 2\n# EOF\n",
    ];
    for input in cases {
        if let Err(e) = parse::openmetrics(input) {
            panic!("{input:?} was refused: {e}");
        }
    }
    let f = parse::openmetrics("# TYPE a gauge\n# HELP a \n# UNIT a \n# EOF\n").unwrap();
    assert_eq!((f[0].help.as_deref(), f[0].unit.as_deref()), (None, None));
}

#[test]
fn bad_cases_by_category() {
    let ex = |n: usize| format!("{{a=\"{}\"}}", "x".repeat(n - 1));
    let cases: Vec<(&str, String, &str)> = vec![
        // no_eof, text_after_eof, blank_line
        ("no_eof", "a 1\n".into(), "2:1: the exposition must end with `# EOF`"),
        ("no_eof", "".into(), "1:1: the exposition must end with `# EOF`"),
        ("text_after_eof", "# EOF\na 1\n".into(), "2:1: nothing may follow `# EOF` (it ends the exposition)"),
        ("text_after_eof", "# EOF\n\n".into(), "2:1: nothing may follow `# EOF` (it ends the exposition)"),
        ("blank_line", "a 1\n\n# EOF\n".into(), "2:1: blank lines are not allowed in OpenMetrics"),
        ("metadata", "# EOF \n".into(), "1:3: `# EOF` must be alone on its line"),
        // spacing
        ("spacing", om("a  1\n"), "1:3: tokens are separated by exactly one space in OpenMetrics"),
        ("spacing", om("a 1 \n"), "1:5: expected a timestamp or an exemplar after the space (no trailing spaces in OpenMetrics)"),
        ("spacing", om("a\t1\n"), "1:2: expected a space before the value, found a tab"),
        ("spacing", om(" a 1\n"), "1:1: lines cannot start with whitespace in OpenMetrics"),
        ("spacing", om("a{b=\"c\", d=\"e\"} 1\n"), "1:9: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found a space"),
        // help
        ("help", om("# HELP a\n"), "1:9: expected a space after the metric name `a`, found the end of the line"),
        ("help", om("# HELP  a x\n"), "1:8: tokens are separated by exactly one space in OpenMetrics"),
        ("help", om("# HELP a \\t\n"), "1:10: invalid escape sequence `\\` followed by `t`: only `\\\\`, `\\\"` and `\\n` are allowed"),
        ("help", om("# HELP 0a x\n"), "1:8: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found `0`"),
        ("comment", om("# a comment\n"), "1:3: `# a` is not allowed: OpenMetrics comments are `# HELP`, `# TYPE`, `# UNIT` and `# EOF` only"),
        ("comment", om("#HELP a x\n"), "1:2: expected a space after `#`: OpenMetrics comments are `# HELP`, `# TYPE`, `# UNIT` and `# EOF` only"),
        // type
        ("type", om("# TYPE a untyped\n"), "1:10: `untyped` is the text 0.0.4 spelling; OpenMetrics calls it `unknown`"),
        ("type", om("# TYPE a meh\n"), "1:10: unknown type `meh`: expected one of `counter`, `gauge`, `histogram`, `gaugehistogram`, `summary`, `info`, `stateset`, `unknown`"),
        ("type", om("# TYPE a counter \n"), "1:10: unexpected trailing space after the type `counter`"),
        ("type", om("# TYPE a\n"), "1:9: expected a space after the metric name `a`, found the end of the line"),
        ("type", om("# TYPE a gauge\na{le=\"1\"} 1\n# TYPE a gauge\n"), "3:8: second TYPE line for `a` (the first is on line 1)"),
        // repeated_metadata and metadata_in_wrong_place
        ("repeated_metadata", om("# HELP a x\n# HELP a y\n"), "2:8: second HELP line for `a` (the first is on line 1)"),
        ("repeated_metadata", om("# UNIT a_s s\n# UNIT a_s s\n"), "2:8: second UNIT line for `a_s` (the first is on line 1)"),
        ("metadata_in_wrong_place", om("a 1\n# HELP a x\n"), "2:8: HELP for `a` must come before its samples"),
        ("metadata_in_wrong_place", om("# TYPE a gauge\na 1\n# UNIT a s\n"), "3:8: UNIT for `a` must come before its samples"),
        // unit
        ("unit", om("# TYPE a_seconds gauge\n# UNIT a_seconds milliseconds\n"), "2:8: the name `a_seconds` must end with its unit: `_milliseconds`"),
        ("unit", om("# TYPE a_u info\n# UNIT a_u u\n"), "2:8: the info `a_u` cannot have a unit"),
        ("unit", om("# TYPE a_u stateset\n# UNIT a_u u\n"), "2:8: the stateset `a_u` cannot have a unit"),
        ("unit", om("# UNIT a_s s!\n"), "1:12: invalid character `!` in unit `s!` (units use [a-zA-Z0-9_:])"),
        // metric_names and labels
        ("metric_names", om("0a 1\n"), "1:1: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found `0`"),
        ("metric_names", om("a.b 1\n"), "1:2: expected a space before the value, found `.`"),
        ("metric_names", om("{\"a\"} 1\n"), "1:1: expected a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*), found `{`"),
        ("invalid_labels", om("a{1=\"1\"} 1\n"), "1:3: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found `1`"),
        ("invalid_labels", om("a{a=\"1\",a=\"1\"} 1\n"), "1:9: duplicate label `a`"),
        ("invalid_labels", om("a{__a=\"1\"} 1\n"), "1:3: label name `__a` is reserved (names starting with `__` belong to Prometheus)"),
        ("invalid_labels", om("a{a-b=\"1\"} 1\n"), "1:4: expected `=` after label name `a`, found `-`"),
        ("missing_or_extra_commas", om("a{a=\"1\",} 1\n"), "1:9: a trailing comma before `}` is not allowed in OpenMetrics"),
        ("missing_or_extra_commas", om("a{a=\"1\"b=\"2\"} 1\n"), "1:8: expected `,` or `}` after the value of label `a`, found `b`"),
        ("missing_or_extra_commas", om("a{,} 1\n"), "1:3: expected a label name ([a-zA-Z_][a-zA-Z0-9_]*), found `,`"),
        ("missing_or_wrong_quotes", om("a{a=1} 1\n"), "1:5: expected `\"` to open the value of label `a`, found `1`"),
        ("missing_or_wrong_quotes", om("a{a='1'} 1\n"), "1:5: expected `\"` to open the value of label `a`, found `'`"),
        ("missing_or_wrong_quotes", om("a{a=\"1} 1\n"), "1:10: unterminated label value: expected a closing `\"` (a newline inside a value is written `\\n`)"),
        ("missing_equal_or_label_value", om("a{a} 1\n"), "1:4: expected `=` after label name `a`, found `}`"),
        ("missing_equal_or_label_value", om("a{a=} 1\n"), "1:5: expected `\"` to open the value of label `a`, found `}`"),
        ("missing_equal_or_label_value", om("a{a\"1\"} 1\n"), "1:4: expected `=` after label name `a`, found `\"`"),
        // values
        ("missing_value", om("a\n"), "1:2: expected a space before the value, found the end of the line"),
        ("missing_value", om("a{} \n"), "1:5: expected the value after the space (no trailing spaces in OpenMetrics)"),
        ("value", om("a 1_0\n"), "1:3: `1_0` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("value", om("a 0x1\n"), "1:3: `0x1` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("value", om("a 1e\n"), "1:3: `1e` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("value", om("a -NaN\n"), "1:3: `-NaN` is not a number: NaN has no sign"),
        ("value", om("a 1e309\n"), "1:3: `1e309` is out of the range of a 64-bit float"),
        ("value", om("a true\n"), "1:3: `true` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        // timestamp
        ("timestamp", om("a 1 z\n"), "1:5: invalid timestamp: `z` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("timestamp", om("a 1 NaN\n"), "1:5: timestamp `NaN` must be finite"),
        ("timestamp", om("a 1 +Inf\n"), "1:5: timestamp `+Inf` must be finite"),
        ("timestamp", om("a 1 1 1\n"), "1:7: expected `#` to start an exemplar, found `1`"),
        ("timestamp", om("a 1 2\na 1 1\n"), "2:1: `a`: the timestamps of a metric must not decrease (1 after 2 on line 1)"),
        ("timestamp", om("a 1 1\na 1 1\n"), "2:1: duplicate sample `a` at the same timestamp (first on line 1)"),
        ("timestamp", om("a 1 1\na 2\n"), "2:1: `a`: either every sample of a metric has a timestamp or none does"),
        ("timestamp", om("a 1 0x1\n"), "1:5: invalid timestamp: `0x1` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        // counter_values
        ("counter_values", om("# TYPE a counter\na_total -1\n"), "2:1: `a_total` is -1, but a counter's `_total` can be neither negative nor NaN"),
        ("counter_values", om("# TYPE a counter\na_total NaN\n"), "2:1: `a_total` is NaN, but a counter's `_total` can be neither negative nor NaN"),
        ("counter_values", om("# TYPE a counter\na 1\n"), "2:1: `a` is not a sample of the counter `a`: its samples are named `a_total`, `a_created`"),
        ("counter_values", om("# TYPE a_total counter\na_total 1\n"), "2:1: `a_total` is not a sample of the counter `a_total`: its samples are named `a_total_total`, `a_total_created`"),
        ("counter_values", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} -1\n"), "2:1: `a_bucket{le=\"+Inf\"}` is -1, but a histogram's `_bucket` can be neither negative nor NaN"),
        ("counter_values", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 1.5\n"), "2:1: `a_bucket{le=\"+Inf\"}` is 1.5, but counts must be integers"),
        ("counter_values", om("# TYPE a summary\na_count -1\n"), "2:1: `a_count` is -1, but a summary's `_count` can be neither negative nor NaN"),
        ("counter_values", om("# TYPE a summary\na_sum NaN\n"), "2:1: `a_sum` is NaN, but a summary's `_sum` can be neither negative nor NaN"),
        ("counter_values", om("# TYPE a summary\na{quantile=\"0.5\"} -1\n"), "2:1: `a{quantile=\"0.5\"}`: quantile values cannot be negative"),
        // histograms
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"1\"} 0\n"), "2:1: `a`: the last bucket must be `le=\"+Inf\"`"),
        ("histograms", om("# TYPE a histogram\na_sum 0\na_count 0\n"), "2:1: the histogram `a` has no buckets; `a_bucket{le=\"+Inf\"}` is required"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_sum 0\n"), "3:1: `a` has `_sum` but no `_count`; they come together"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_count 0\n"), "3:1: `a` has `_count` but no `_sum`; they come together"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 2\na_sum 0\na_count 1\n"), "4:1: `a`: `_count` is 1 but the `+Inf` bucket is 2; they must be equal"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"1\"} 2\na_bucket{le=\"+Inf\"} 1\n"), "3:1: `a`: bucket counts are cumulative, but `le=\"+Inf\"` has 1 after 2 at `le=\"1\"`"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 1\na_bucket{le=\"1\"} 1\n"), "3:1: `a`: buckets must be in increasing order of `le` (`1` after `+Inf`)"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"1\"} 1\na_bucket{le=\"1\"} 1\na_bucket{le=\"+Inf\"} 1\n"), "3:1: duplicate sample `a_bucket{le=\"1\"}` (first on line 2)"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"-1\"} 0\na_bucket{le=\"+Inf\"} 0\na_sum 0\na_count 0\n"), "4:1: `a`: a histogram with negative buckets cannot have `_sum`"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"+INF\"} 0\n"), "2:1: the `le` label `+INF` must be spelled `+Inf` or `-Inf`"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"NaN\"} 0\n"), "2:1: the `le` label cannot be NaN"),
        ("histograms", om("# TYPE a histogram\na_bucket 0\n"), "2:1: the histogram bucket `a_bucket` has no `le` label"),
        ("histograms", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 0\na_count{le=\"1\"} 0\n"), "3:1: `a_count{le=\"1\"}`: the `le` label is only allowed on `_bucket` samples"),
        ("histograms", om("# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} 1\na_gsum -1\na_gcount 1\n"), "3:1: `a`: `_gsum` can only be negative when there are negative buckets"),
        ("histograms", om("# TYPE a gaugehistogram\na_bucket{le=\"+Inf\"} 1\na_gsum 1\n"), "3:1: `a` has `_gsum` but no `_gcount`; they come together"),
        // missing_or_invalid_labels_for_a_type
        ("labels_for_type", om("# TYPE a summary\na 1\n"), "2:1: the summary sample `a` has no `quantile` label"),
        ("labels_for_type", om("# TYPE a summary\na{quantile=\"-0.1\"} 1\n"), "2:1: `a{quantile=\"-0.1\"}`: a quantile must be between 0 and 1"),
        ("labels_for_type", om("# TYPE a summary\na{quantile=\"x\"} 1\n"), "2:1: invalid `quantile` label: `x` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("labels_for_type", om("# TYPE a stateset\na{b=\"c\"} 1\n"), "2:1: the stateset sample `a{b=\"c\"}` needs a label named after its family, `a`"),
        // stateset and info values
        ("stateset_info_values", om("# TYPE a stateset\na{a=\"x\"} 2\n"), "2:1: `a{a=\"x\"}` is 2, but a stateset's values are 0 or 1"),
        ("stateset_info_values", om("# TYPE a info\na_info 2\n"), "2:1: `a_info` is 2, but an info sample's value is always 1"),
        ("stateset_info_values", om("# TYPE a info\na 1\n"), "2:1: `a` is not a sample of the info `a`: its samples are named `a_info`"),
        // exemplars
        ("exemplars", om(&format!("# TYPE a counter\na_total 1 # {} 1\n", ex(129))), "2:13: exemplar labels have 129 code points; at most 128 are allowed (names and values together)"),
        ("exemplars", om("# TYPE a counter\na_total 1 # {a=\"é\"} 1\n").replace('é', &"é".repeat(128)), "2:13: exemplar labels have 129 code points; at most 128 are allowed (names and values together)"),
        ("exemplars", om("# TYPE a counter\na_total 1 #{} 1\n"), "2:12: expected a space after the exemplar's `#`, found `{`"),
        ("exemplars", om("# TYPE a counter\na_total 1 # {}\n"), "2:15: expected a space before the exemplar's value, found the end of the line"),
        ("exemplars", om("# TYPE a counter\na_total 1 # a 1\n"), "2:13: expected the exemplar's label set in braces (`{}` when it has none), found `a`"),
        ("exemplars", om("# TYPE a counter\na_total 1 # {} 1 1 1\n"), "2:19: unexpected ` 1` after the exemplar"),
        ("exemplars", om("# TYPE a counter\na_total 1 # {} x\n"), "2:16: invalid exemplar value: `x` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("exemplars", om("# TYPE a histogram\na_bucket{le=\"1\"} 1 # {} 2\na_bucket{le=\"+Inf\"} 1\n"), "2:1: `a`: the exemplar value 2 is above its bucket's `le=\"1\"`; a bucket's exemplar is at most its bound"),
        ("exemplar_timestamp", om("# TYPE a counter\na_total 1 # {} 1 NaN\n"), "2:18: timestamp `NaN` must be finite"),
        ("exemplar_timestamp", om("# TYPE a counter\na_total 1 # {} 1 -Inf\n"), "2:18: timestamp `-Inf` must be finite"),
        ("exemplar_timestamp", om("# TYPE a counter\na_total 1 # {} 1 x\n"), "2:18: invalid timestamp: `x` is not a number (expected a decimal such as `1`, `-2.5` or `1e-3`, or `NaN`, `+Inf`, `-Inf`)"),
        ("exemplars_on_unallowed_samples", om("# TYPE a counter\na_created 1 # {} 1\n"), "2:1: `a_created` cannot have an exemplar: only counter `_total` and histogram `_bucket` samples can"),
        ("exemplars_on_unallowed_samples", om("# TYPE a histogram\na_bucket{le=\"+Inf\"} 1\na_sum 1 # {} 1\na_count 1\n"), "3:1: `a_sum` cannot have an exemplar: only counter `_total` and histogram `_bucket` samples can"),
        ("exemplars_on_unallowed_metric_types", om("# TYPE a gauge\na 1 # {} 1\n"), "2:1: `a` cannot have an exemplar: only counter `_total` and histogram `_bucket` samples can"),
        ("exemplars_on_unallowed_metric_types", om("a_total 1 # {} 1\n"), "1:1: `a_total` cannot have an exemplar: only counter `_total` and histogram `_bucket` samples can"),
        ("exemplar_complex_chars", om("# TYPE a counter\na_total 1 # {a=\"\\q\"} 1\n"), "2:17: invalid escape sequence `\\` followed by `q`: only `\\\\`, `\\\"` and `\\n` are allowed"),
        // grouping_or_ordering and clashing_names
        ("grouping", om("# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n"), "5:1: the family `a` already appeared (line 1); the lines of one family must be grouped together"),
        ("grouping", om("# TYPE a gauge\na{x=\"1\"} 1\na{x=\"2\"} 1\na{x=\"1\"} 1\n"), "4:1: `a{x=\"1\"}` continues a metric that another one interrupted; the samples of one metric must be grouped together"),
        ("grouping", om("# TYPE a histogram\na_bucket{x=\"1\",le=\"+Inf\"} 1\na_bucket{x=\"2\",le=\"+Inf\"} 1\na_count{x=\"1\"} 1\n"), "4:1: `a_count{x=\"1\"}` continues a metric that another one interrupted; the samples of one metric must be grouped together"),
        ("grouping", om("# TYPE a counter\na_total 1\n# TYPE b gauge\nb 1\na_created 1\n"), "5:1: `a_created` belongs to the family `a` (line 1), whose lines ended before; the lines of one family must be grouped together"),
        ("clashing_names", om("# TYPE a_created gauge\na_created 1\n# TYPE a counter\na_total 1\n"), "3:8: the counter `a` clashes with the gauge `a_created` (line 1): both would have samples named `a_created`"),
        ("clashing_names", om("# TYPE a info\na_info 1\n# TYPE a_info gauge\n"), "3:8: the gauge `a_info` clashes with the info `a` (line 1): both would have samples named `a_info`"),
        ("clashing_names", om("# TYPE a summary\na_sum 1\na_count 1\n# TYPE a_count gauge\n"), "4:8: the gauge `a_count` clashes with the summary `a` (line 1): both would have samples named `a_count`"),
    ];
    let mut failures = Vec::new();
    for (category, input, expected) in &cases {
        match parse::openmetrics(input) {
            Ok(f) => failures.push(format!("[{category}] accepted {input:?}: {f:?}")),
            Err(e) => {
                let got = format!("{}:{}: {}", e.line(), e.column(), e.message());
                if got != *expected {
                    failures.push(format!(
                        "[{category}] {input:?}\n  expected {expected}\n       got {got}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(cases.len() >= 100, "{} cases", cases.len());
}

#[test]
fn text_0_0_4_is_not_openmetrics() {
    // A valid 0.0.4 exposition fails in several OpenMetrics-only ways.
    let e = parse::openmetrics("# TYPE a untyped\na 1\n").unwrap_err();
    assert_eq!(e.line(), 1);
    let e = parse::openmetrics("a 1 1700000000000\n").unwrap_err();
    assert_eq!(e.message(), "the exposition must end with `# EOF`");
    // and an OpenMetrics one is not valid 0.0.4
    let e = parse::text("# TYPE a counter\na_total 1 # {} 1\n# EOF\n").unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2, column 11: timestamp `#` is not an integer number of milliseconds"
    );
}

/// The error's `line:column: message` for OpenMetrics `body` (followed by `# EOF`).
fn om_bad(body: &str) -> String {
    match parse::openmetrics(&om(body)) {
        Ok(f) => panic!("accepted {body:?}: {f:?}"),
        Err(e) => format!("{}:{}: {}", e.line(), e.column(), e.message()),
    }
}

#[test]
fn equal_timestamps_within_a_metric_pass_but_not_on_one_series() {
    // The samples of one MetricPoint share its timestamp: `_total` and `_created`, every
    // bucket, `_sum` and `_count`; a later point may follow at a later timestamp.
    for body in [
        "# TYPE a counter\na_total 17 1520879607.789\na_created 1520430000.123 1520879607.789\n",
        "# TYPE a counter\na_total 1 5\na_created 0 5\na_total 2 6\na_created 0 6\n",
        "# TYPE h histogram\nh_bucket{le=\"1\"} 0 7\nh_bucket{le=\"+Inf\"} 1 7\nh_sum 2 7\nh_count 1 7\nh_created 1 7\n\
         h_bucket{le=\"1\"} 1 8\nh_bucket{le=\"+Inf\"} 2 8\nh_sum 3 8\nh_count 2 8\nh_created 1 8\n",
        // `_created` may go without the point's timestamp
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1 7\nh_sum 2 7\nh_count 1 7\nh_created 1\n",
        "# TYPE s summary\ns_count{a=\"bb\"} 0 123\ns_sum{a=\"bb\"} 0 123\ns_count{a=\"bb\"} 0 456\ns_sum{a=\"bb\"} 0 456\n\
         s_count{a=\"ccc\"} 0 123\ns_sum{a=\"ccc\"} 0 123\n",
        "# TYPE s stateset\ns{s=\"a\"} 1 -2.5\ns{s=\"b\"} 0 -2.5\n",
        // each metric has its own timeline
        "# TYPE g gauge\ng{a=\"1\"} 1 9\ng{a=\"2\"} 1 3\n",
    ] {
        if let Err(e) = parse::openmetrics(&om(body)) {
            panic!("{body:?} was refused: {e}");
        }
    }
    let cases: &[(&str, &str)] = &[
        // one series twice at the same time is a duplicate, not a second point
        ("a 1 1\na 2 1\n", "2:1: duplicate sample `a` at the same timestamp (first on line 1)"),
        ("# TYPE a counter\na_total 1 5\na_created 0 5\na_total 2 5\n",
         "4:1: duplicate sample `a_total` at the same timestamp (first on line 2)"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1 1\nh_bucket{le=\"+Inf\"} 1 1\n",
         "3:1: duplicate sample `h_bucket{le=\"+Inf\"}` at the same timestamp (first on line 2)"),
        // going back in time, on one series or across the samples of one metric
        ("a 1 2\na 1 1\n", "2:1: `a`: the timestamps of a metric must not decrease (1 after 2 on line 1)"),
        ("# TYPE a counter\na_total 1 5\na_created 0 4\n",
         "3:1: `a_created`: the timestamps of a metric must not decrease (4 after 5 on line 2)"),
        // the spec's example of interleaved MetricPoints
        ("# TYPE s summary\ns_count{a=\"bb\"} 0 123\ns_count{a=\"bb\"} 0 456\ns_sum{a=\"bb\"} 0 123\ns_sum{a=\"bb\"} 0 456\n",
         "4:1: `s_sum{a=\"bb\"}`: the timestamps of a metric must not decrease (123 after 456 on line 3)"),
    ];
    for (body, expected) in cases {
        assert_eq!(om_bad(body), *expected, "{body:?}");
    }
}

#[test]
fn a_bucket_exemplar_is_at_most_its_le() {
    // At, below and far below the previous bound: all inside `le`.
    for exemplar in ["1", "0.5", "0", "-7", "-Inf"] {
        let body = format!(
            "# TYPE h histogram\nh_bucket{{le=\"0\"}} 0\nh_bucket{{le=\"1\"}} 1 # {{}} {exemplar}\nh_bucket{{le=\"+Inf\"}} 1 # {{}} {exemplar}\n"
        );
        if let Err(e) = parse::openmetrics(&om(&body)) {
            panic!("exemplar {exemplar} was refused: {e}");
        }
    }
    let families = parse::openmetrics(&om(
        "# TYPE g gaugehistogram\ng_bucket{le=\"-1\"} 1 # {} -5\ng_bucket{le=\"+Inf\"} 1 # {} +Inf\n",
    ))
    .unwrap();
    assert_eq!(
        families[0].samples[1].exemplar.as_ref().unwrap().value(),
        f64::INFINITY
    );
    let cases: &[(&str, &str)] = &[
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 1 # {} 1.5\nh_bucket{le=\"+Inf\"} 1\n",
         "2:1: `h`: the exemplar value 1.5 is above its bucket's `le=\"1\"`; a bucket's exemplar is at most its bound"),
        ("# TYPE h histogram\nh_bucket{le=\"1\"} 1 # {} NaN\nh_bucket{le=\"+Inf\"} 1\n",
         "2:1: `h`: the exemplar value NaN is above its bucket's `le=\"1\"`; a bucket's exemplar is at most its bound"),
        ("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1 # {} NaN\n",
         "2:1: `h`: the exemplar value NaN is above its bucket's `le=\"+Inf\"`; a bucket's exemplar is at most its bound"),
        ("# TYPE g gaugehistogram\ng_bucket{x=\"y\",le=\"-1\"} 1 # {} 0\ng_bucket{x=\"y\",le=\"+Inf\"} 1\n",
         "2:1: `g{x=\"y\"}`: the exemplar value 0 is above its bucket's `le=\"-1\"`; a bucket's exemplar is at most its bound"),
    ];
    for (body, expected) in cases {
        assert_eq!(om_bad(body), *expected, "{body:?}");
    }
}

#[test]
fn unknown_escapes_stay_errors_in_openmetrics() {
    assert_eq!(
        om_bad("a{b=\"\\t\"} 1\n"),
        "1:6: invalid escape sequence `\\` followed by `t`: only `\\\\`, `\\\"` and `\\n` are allowed"
    );
}

#[test]
fn a_sample_with_65536_labels_parses() {
    let mut line = String::from("a{");
    for i in 0..65_536 {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&format!("l{i}=\"{i}\""));
    }
    line.push_str("} 1\n");
    let families = parse::openmetrics(&om(&line)).unwrap();
    let sample = &families[0].samples[0];
    assert_eq!(sample.labels.len(), 65_536);
    assert_eq!(sample.label("l65535"), Some("65535"));
    // and a duplicate among them is still found, where it is
    let dup = line.replace("} 1\n", ",l7=\"x\"} 1\n");
    let e = parse::openmetrics(&om(&dup)).unwrap_err();
    assert_eq!((e.line(), e.column()), (1, line.chars().count() - 2));
    assert_eq!(e.message(), "duplicate label `l7`");
}
