use core::fmt;

/// The kind of a metric family, as exposed in `# TYPE` lines.
///
/// Exhaustive, unlike `promenade::MetricType` (which maps onto it one to one): each rule
/// here says what it does for every type, and a type added later must be added to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// A monotonically increasing total.
    Counter,
    /// A value that goes up and down.
    Gauge,
    /// Observations counted in cumulative buckets, with their sum and count.
    Histogram,
    /// A metric whose type is not known (`unknown` in OpenMetrics, `untyped` in text
    /// 0.0.4, and a parsed family without a TYPE line).
    Unknown,
    /// Observations counted with their sum, optionally with quantiles.
    Summary,
    /// Constant labels describing the target (`x_info{…} 1`).
    Info,
    /// A set of states, each true or false, one series per state.
    StateSet,
    /// Buckets of a current distribution that can go down as well as up.
    GaugeHistogram,
}

impl MetricType {
    /// Every type.
    pub const ALL: [MetricType; 8] = [
        MetricType::Counter,
        MetricType::Gauge,
        MetricType::Histogram,
        MetricType::Unknown,
        MetricType::Summary,
        MetricType::Info,
        MetricType::StateSet,
        MetricType::GaugeHistogram,
    ];

    /// The suffixes the samples of a family of this type can carry, the empty suffix
    /// included (a family's own name is taken even when no sample shows it); two families
    /// clash when any of their sample names coincide (see [`crate::samples`]).
    pub const fn sample_suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["", "_total", "_created"],
            MetricType::Histogram => &["", "_bucket", "_sum", "_count", "_created"],
            MetricType::Summary => &["", "_sum", "_count", "_created"],
            MetricType::GaugeHistogram => &["", "_bucket", "_gsum", "_gcount"],
            MetricType::Info => &["", "_info"],
            MetricType::Gauge | MetricType::Unknown | MetricType::StateSet => &[""],
        }
    }

    /// Whether a sample is named exactly like the family (a gauge's, a summary's
    /// quantiles, a state set's); a counter's, a histogram's and an info metric's samples
    /// all carry a suffix.
    pub const fn shows_family_name(self) -> bool {
        !matches!(
            self,
            MetricType::Counter
                | MetricType::Histogram
                | MetricType::GaugeHistogram
                | MetricType::Info
        )
    }

    /// The suffix of the family's main sample that a name given with it loses to become
    /// the family name: `_total` for counters, `_info` for info metrics.
    pub const fn name_suffix(self) -> Option<&'static str> {
        match self {
            MetricType::Counter => Some("_total"),
            MetricType::Info => Some("_info"),
            _ => None,
        }
    }

    /// The name used in OpenMetrics' `# TYPE` line (the same as [`as_str`](Self::as_str)).
    pub const fn openmetrics_str(self) -> &'static str {
        self.as_str()
    }

    /// The type's own name, as OpenMetrics spells it (`unknown`, `stateset`, …).
    ///
    /// ```
    /// use promenade_rules::MetricType;
    /// assert_eq!(MetricType::Unknown.as_str(), "unknown");
    /// assert_eq!(MetricType::Unknown.text_str(), "untyped");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Unknown => "unknown",
            MetricType::Summary => "summary",
            MetricType::Info => "info",
            MetricType::StateSet => "stateset",
            MetricType::GaugeHistogram => "gaugehistogram",
        }
    }

    /// The name used in the Prometheus text format's (0.0.4) `# TYPE` line, where the
    /// OpenMetrics-only types are mapped the way Prometheus expects: info and stateset
    /// become gauges, a gauge histogram a histogram, unknown `untyped`.
    pub const fn text_str(self) -> &'static str {
        match self {
            MetricType::Info | MetricType::StateSet => "gauge",
            MetricType::GaugeHistogram => "histogram",
            MetricType::Unknown => "untyped",
            other => other.as_str(),
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
