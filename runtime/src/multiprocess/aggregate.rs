//! One view of a directory: every file's records merged by the rules of the module docs'
//! table, what [`collector`] serves and what compaction folds into the archive.
//!
//! The merge is the same for both: a file's series are added only where its type allows
//! (the `live…` gauge modes, info and state sets: only from files whose process is alive),
//! so folding the archive and the files of dead processes keeps exactly what a scrape
//! showed of them.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use super::dir::LockFile;
use super::format::{ExemplarData, FamilyRecord, ValueKind};
use super::read::{self, FileView, ReadError, ARCHIVE_NAME};
use super::{Error, GaugeMode};
use crate::metrics::{Exemplar, ExemplarLabels};
use crate::registry::families::{
    CounterExtras, CounterFamily, GaugeFamily, GaugeHistogramFamily, HistogramExtras,
    HistogramFamily, InfoFamily, Labels, StateSetFamily, SummaryFamily, UnknownFamily,
};
use crate::registry::{CollectError, Collector, Descriptor, Number, Sink};
use crate::MetricType;

/// The label the `all` and `liveall` gauge modes add: the process' id.
pub(crate) const PID_LABEL: &str = "pid";

/// A number of a cell, as its family's value kind reads it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Value {
    Int(u64),
    Signed(i64),
    Float(f64),
}

impl Value {
    fn from_cell(kind: ValueKind, bits: u64) -> Value {
        match kind {
            ValueKind::Int => Value::Int(bits),
            ValueKind::Signed => Value::Signed(bits as i64),
            ValueKind::Float => Value::Float(f64::from_bits(bits)),
        }
    }

    fn as_f64(self) -> f64 {
        match self {
            Value::Int(v) => v as f64,
            Value::Signed(v) => v as f64,
            Value::Float(v) => v,
        }
    }

    /// The cell holding this value in a family of value kind `kind`.
    pub(crate) fn to_cell(self, kind: ValueKind) -> u64 {
        match (kind, self) {
            (ValueKind::Int, Value::Int(v)) => v,
            (ValueKind::Signed, Value::Signed(v)) => v as u64,
            (ValueKind::Float, v) => v.as_f64().to_bits(),
            // Only a family of one kind holds values of one kind (files of different kinds
            // make the family `Float`); a mix is converted rather than reinterpreted.
            (ValueKind::Int, v) => v.as_f64() as u64,
            (ValueKind::Signed, v) => v.as_f64() as i64 as u64,
        }
    }

    fn number(self) -> Number {
        match self {
            Value::Int(v) => Number::Int(v),
            Value::Signed(v) => Number::SignedInt(v),
            Value::Float(v) => Number::Float(v),
        }
    }

    /// Integers of one kind add exactly (wrapping, as the cells do); anything else in `f64`.
    fn add(self, other: Value) -> Value {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Value::Int(a.wrapping_add(b)),
            (Value::Signed(a), Value::Signed(b)) => Value::Signed(a.wrapping_add(b)),
            (a, b) => Value::Float(a.as_f64() + b.as_f64()),
        }
    }

    fn greater_than(self, other: Value) -> bool {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => a > b,
            (Value::Signed(a), Value::Signed(b)) => a > b,
            (a, b) => a.as_f64() > b.as_f64(),
        }
    }
}

/// Which series of a family: its label values, the process' id for the `all` gauge
/// modes, and an info metric's name/value pairs. Series are exposed in this order.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct SeriesKey {
    pub(crate) labels: Vec<String>,
    pub(crate) pid: Option<u32>,
    pub(crate) extra: Vec<String>,
}

/// A series' merged numbers.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Acc {
    /// A counter's or an unknown metric's value.
    Value(Value),
    /// A gauge's value and the time of its last write (Unix nanoseconds; 0 when the mode
    /// keeps none).
    Gauge {
        value: Value,
        time: u64,
    },
    /// A histogram's (or gauge histogram's) count per bucket, `+Inf` last, and its sum.
    Buckets {
        counts: Vec<u64>,
        sum: f64,
    },
    Summary {
        count: u64,
        sum: f64,
    },
    Info,
    /// A state set's states as the chosen process has them, and the start time of that
    /// process.
    States {
        start: u64,
        names: Vec<String>,
        cells: Vec<u64>,
    },
}

/// One family of the merged view.
#[derive(Clone, Debug)]
pub(crate) struct MergedFamily {
    /// The first file's record, with the label names of the family's own labels (no
    /// `pid`) and the value kind every file agrees on (`Float` if they do not).
    pub(crate) record: FamilyRecord,
    /// The file the record came from.
    pub(crate) first: String,
    pub(crate) series: BTreeMap<SeriesKey, Acc>,
    /// A counter's or histogram's latest exemplar per bucket, over every file.
    pub(crate) exemplars: BTreeMap<SeriesKey, Vec<Option<ExemplarData>>>,
}

impl MergedFamily {
    /// Whether the archive stores this family's series with the process' id as the last
    /// label (the `all` gauge mode keeps one series per process).
    pub(crate) fn keeps_pid(&self) -> bool {
        keeps_pid(&self.record)
    }
}

fn keeps_pid(r: &FamilyRecord) -> bool {
    r.metric_type == MetricType::Gauge && matches!(r.mode, GaugeMode::All | GaugeMode::LiveAll)
}

/// Whether a series of this family only counts while its process is alive.
fn live_only(r: &FamilyRecord) -> bool {
    match r.metric_type {
        MetricType::Gauge => r.mode.live_only(),
        MetricType::Info | MetricType::StateSet | MetricType::GaugeHistogram => true,
        _ => false,
    }
}

/// A family of one file left out of the merge, and why.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FamilyProblem {
    /// The skipped-files `reason`: `mismatch` or `corrupt`.
    pub(crate) reason: &'static str,
    pub(crate) why: String,
}

/// Every file's records, merged.
#[derive(Clone, Debug, Default)]
pub(crate) struct Merged {
    /// By family name (as stored: a counter without `_total`).
    pub(crate) families: BTreeMap<String, MergedFamily>,
}

impl Merged {
    /// Adds one file. A file whose records do not hold together (a series of a family it
    /// does not define, too few strings or cells) is left out whole, `Err` saying why;
    /// `Ok` lists the families of the file left out because an earlier file defines them
    /// differently, or that cannot be exposed.
    pub(crate) fn add_file(&mut self, view: &FileView) -> Result<Vec<FamilyProblem>, String> {
        let archive = view.is_archive();
        let mut problems = Vec::new();
        // Phase one: check everything, change nothing.
        let mut by_id: HashMap<u32, Option<FamilyRecord>> = HashMap::new();
        let mut in_file: HashMap<&str, &FamilyRecord> = HashMap::new();
        for raw in &view.records.families {
            if by_id.contains_key(&raw.id) {
                return Err(format!("two family records with the id {}", raw.id));
            }
            let record = match canonical(raw, archive) {
                Ok(r) => r,
                Err(why) => {
                    problems.push(FamilyProblem {
                        reason: "corrupt",
                        why: format!("its family `{}` {why}; that family is left out", raw.name),
                    });
                    by_id.insert(raw.id, None);
                    continue;
                }
            };
            let earlier = in_file
                .get(raw.name.as_str())
                .map(|r| (*r, view.name.as_str()))
                .or_else(|| {
                    self.families
                        .get(&raw.name)
                        .map(|f| (&f.record, f.first.as_str()))
                });
            if let Some((earlier, earlier_file)) = earlier {
                if let Some(diff) = disagreement(earlier, &record) {
                    problems.push(FamilyProblem {
                        reason: "mismatch",
                        why: format!(
                            "its family `{}` {diff} than in {earlier_file}, whose family is \
                             kept; this file's series of it are left out",
                            raw.name
                        ),
                    });
                    by_id.insert(raw.id, None);
                    continue;
                }
            }
            in_file.insert(&raw.name, raw);
            by_id.insert(raw.id, Some(record));
        }
        let exemplars: HashMap<u64, &Vec<Option<ExemplarData>>> = view
            .records
            .exemplars
            .iter()
            .map(|e| (e.series, &e.slots))
            .collect();
        #[allow(clippy::type_complexity)]
        let mut planned: Vec<(
            &FamilyRecord,
            SeriesKey,
            Acc,
            Option<&Vec<Option<ExemplarData>>>,
        )> = Vec::new();
        for s in &view.records.series {
            let Some(family) = by_id.get(&s.family) else {
                return Err(format!(
                    "a series of the family id {}, which it does not define",
                    s.family
                ));
            };
            let Some(family) = family else { continue };
            if s.removed || (live_only(family) && !view.alive) {
                continue;
            }
            let n_labels = family.label_names.len();
            let own = n_labels + usize::from(archive && keeps_pid(family));
            if s.strings.len() < own {
                return Err(format!(
                    "a series of `{}` with {} strings for {own} labels",
                    family.name,
                    s.strings.len()
                ));
            }
            let pid = if !keeps_pid(family) {
                None
            } else if archive {
                Some(s.strings[n_labels].parse::<u32>().map_err(|_| {
                    format!("a series of `{}` whose pid is not a number", family.name)
                })?)
            } else {
                Some(view.header.pid)
            };
            let rest = &s.strings[own..];
            let cells = &s.cells;
            let want = match family.metric_type {
                MetricType::Counter | MetricType::Unknown => Some(1),
                MetricType::Gauge => Some(2),
                MetricType::Histogram | MetricType::GaugeHistogram => Some(family.bounds.len() + 2),
                MetricType::Summary => Some(2),
                MetricType::StateSet => Some(rest.len()),
                MetricType::Info => None,
            };
            if want.is_some_and(|n| n != cells.len()) || (want.is_none() && cells.len() > 1) {
                return Err(format!(
                    "a series of `{}` with {} cells",
                    family.name,
                    cells.len()
                ));
            }
            let kind = family.value_kind;
            let acc = match family.metric_type {
                MetricType::Counter | MetricType::Unknown => {
                    Acc::Value(Value::from_cell(kind, cells[0]))
                }
                MetricType::Gauge => Acc::Gauge {
                    value: Value::from_cell(kind, cells[0]),
                    time: cells[1],
                },
                MetricType::Histogram | MetricType::GaugeHistogram => {
                    let (counts, sum) = cells.split_at(cells.len() - 1);
                    Acc::Buckets {
                        counts: counts.to_vec(),
                        sum: f64::from_bits(sum[0]),
                    }
                }
                MetricType::Summary => Acc::Summary {
                    count: cells[0],
                    sum: f64::from_bits(cells[1]),
                },
                MetricType::Info => {
                    if rest.len() % 2 != 0 {
                        return Err(format!(
                            "an info series of `{}` with an odd number of strings",
                            family.name
                        ));
                    }
                    Acc::Info
                }
                MetricType::StateSet => Acc::States {
                    start: view.header.start_nanos,
                    names: rest.to_vec(),
                    cells: cells.clone(),
                },
            };
            let key = SeriesKey {
                labels: s.strings[..n_labels].to_vec(),
                pid,
                extra: if family.metric_type == MetricType::Info {
                    rest.to_vec()
                } else {
                    Vec::new()
                },
            };
            let slots = exemplars.get(&s.offset).copied().filter(|_| {
                matches!(
                    family.metric_type,
                    MetricType::Counter | MetricType::Histogram
                )
            });
            planned.push((family, key, acc, slots));
        }
        // Phase two: merge.
        for family in by_id.values().flatten() {
            let merged = self
                .families
                .entry(family.name.clone())
                .or_insert_with(|| MergedFamily {
                    record: family.clone(),
                    first: view.name.clone(),
                    series: BTreeMap::new(),
                    exemplars: BTreeMap::new(),
                });
            if merged.record.value_kind != family.value_kind {
                merged.record.value_kind = ValueKind::Float;
            }
        }
        for (family, key, acc, slots) in planned {
            let merged = self
                .families
                .get_mut(&family.name)
                .expect("every family of the file was entered above");
            if let Some(slots) = slots {
                let kept = merged.exemplars.entry(key.clone()).or_default();
                if kept.len() < slots.len() {
                    kept.resize(slots.len(), None);
                }
                for (k, new) in kept.iter_mut().zip(slots) {
                    let newer = match (&*k, new) {
                        (_, None) => false,
                        (None, Some(_)) => true,
                        (Some(a), Some(b)) => b.timestamp >= a.timestamp,
                    };
                    if newer {
                        *k = new.clone();
                    }
                }
            }
            match merged.series.entry(key) {
                std::collections::btree_map::Entry::Vacant(v) => {
                    v.insert(acc);
                }
                std::collections::btree_map::Entry::Occupied(mut o) => {
                    merge(o.get_mut(), acc, family.mode);
                }
            }
        }
        Ok(problems)
    }
}

/// A file's family record as the merge compares it: the archive's `pid` label of the
/// `all` gauge modes taken off, and its names checked (a scrape must not fail on them).
fn canonical(raw: &FamilyRecord, archive: bool) -> Result<FamilyRecord, String> {
    let mut r = raw.clone();
    if archive && keeps_pid(&r) {
        if r.label_names.last().map(String::as_str) != Some(PID_LABEL) {
            return Err("is missing the archive's `pid` label".into());
        }
        r.label_names.pop();
    }
    crate::validate::utf8_metric_name(&r.name).map_err(|e| e.to_string())?;
    if !r.unit.is_empty() {
        Descriptor::new(r.name.clone(), "", r.metric_type, "")
            .with_unit(r.unit.clone())
            .map_err(|e| e.to_string())?;
    }
    let mut seen = BTreeSet::new();
    for l in &r.label_names {
        crate::validate::utf8_label_name(l).map_err(|e| e.to_string())?;
        if !seen.insert(l.as_str()) {
            return Err(format!("has the label `{l}` twice"));
        }
    }
    if keeps_pid(&r) && seen.contains(PID_LABEL) {
        return Err(format!(
            "is a gauge in mode `{}` with a label `{PID_LABEL}` of its own, which the \
             aggregate adds",
            r.mode
        ));
    }
    Ok(r)
}

/// How two files' records of one family differ, if they do in a way that cannot merge.
fn disagreement(a: &FamilyRecord, b: &FamilyRecord) -> Option<String> {
    if a.metric_type != b.metric_type {
        return Some(format!(
            "is a {} here, and a {}",
            b.metric_type.openmetrics_str(),
            a.metric_type.openmetrics_str()
        ));
    }
    let bits = |v: &[f64]| v.iter().map(|b| b.to_bits()).collect::<Vec<_>>();
    if bits(&a.bounds) != bits(&b.bounds) {
        return Some(format!(
            "has the buckets {:?} here, other buckets ({:?})",
            b.bounds, a.bounds
        ));
    }
    if a.label_names != b.label_names {
        return Some(format!(
            "has the labels {:?} here, other labels ({:?})",
            b.label_names, a.label_names
        ));
    }
    if a.metric_type == MetricType::Gauge && a.mode != b.mode {
        return Some(format!(
            "is aggregated as `{}` here, as `{}` rather",
            b.mode, a.mode
        ));
    }
    None
}

/// Merges one more contribution into a series, by its type and gauge mode.
fn merge(acc: &mut Acc, new: Acc, mode: GaugeMode) {
    match (acc, new) {
        (Acc::Value(a), Acc::Value(b)) => *a = a.add(b),
        (Acc::Gauge { value, time }, Acc::Gauge { value: v, time: t }) => {
            let replace = match mode {
                // One series per process: a later file of the same pid (a reused pid) wins.
                GaugeMode::All | GaugeMode::LiveAll => true,
                GaugeMode::Sum | GaugeMode::LiveSum => {
                    *value = value.add(v);
                    *time = (*time).max(t);
                    false
                }
                GaugeMode::Max | GaugeMode::LiveMax => v.greater_than(*value),
                GaugeMode::Min | GaugeMode::LiveMin => value.greater_than(v),
                GaugeMode::MostRecent | GaugeMode::LiveMostRecent => t >= *time,
            };
            if replace {
                *value = v;
                *time = t;
            }
        }
        (Acc::Buckets { counts, sum }, Acc::Buckets { counts: c, sum: s }) => {
            for (a, b) in counts.iter_mut().zip(c) {
                *a = a.wrapping_add(b);
            }
            *sum += s;
        }
        (Acc::Summary { count, sum }, Acc::Summary { count: c, sum: s }) => {
            *count = count.wrapping_add(c);
            *sum += s;
        }
        (Acc::Info, Acc::Info) => {}
        (acc @ Acc::States { .. }, new @ Acc::States { .. }) => {
            let (Acc::States { start, .. }, Acc::States { start: s, .. }) = (&*acc, &new) else {
                unreachable!()
            };
            if s >= start {
                *acc = new;
            }
        }
        // One family has one type in the merge (files that disagree are left out).
        (acc, new) => *acc = new,
    }
}

/// A file left out of a scrape, or a family of it.
#[derive(Clone, Debug)]
pub(crate) struct Skip {
    pub(crate) path: PathBuf,
    pub(crate) reason: &'static str,
    pub(crate) why: String,
}

/// What a scrape read from a directory.
#[derive(Debug, Default)]
pub(crate) struct DirView {
    pub(crate) merged: Merged,
    pub(crate) skipped: Vec<Skip>,
    /// Whether a file of a dead process was counted (so a compaction has work to do).
    pub(crate) saw_dead: bool,
    /// Series the processes could not store, summed over the files read.
    pub(crate) unstored: u64,
}

/// Whether a file that does not read is one its process is still creating: empty, or
/// without its header yet while its creator holds its lock. Those are left out silently.
fn being_created(path: &Path, e: &ReadError) -> bool {
    if !matches!(e, ReadError::Decode(super::format::DecodeError::Foreign)) {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    file.metadata().is_ok_and(|m| m.len() == 0)
        || read::held_by_live_process(&file).unwrap_or(false)
}

/// Reads the archive and every process file of `dir` into one view. The caller holds
/// the directory's lock (shared or exclusive).
pub(crate) fn read_dir(dir: &Path) -> Result<DirView, Error> {
    let mut out = DirView::default();
    let mut folded: BTreeSet<String> = BTreeSet::new();
    let mut views = Vec::new();
    let archive = dir.join(ARCHIVE_NAME);
    if archive.exists() {
        match read::read_file(&archive) {
            Ok(v) if v.is_archive() => {
                folded.extend(v.records.folded.iter().cloned());
                views.push(v);
            }
            Ok(_) => out.skipped.push(Skip {
                path: archive.clone(),
                reason: "corrupt",
                why: "the archive's header does not say it is one".into(),
            }),
            Err(e) => out.skipped.push(Skip {
                path: archive.clone(),
                reason: e.reason(),
                why: e.to_string(),
            }),
        }
    }
    let files = read::process_files(dir).map_err(|source| Error::Io {
        path: dir.to_owned(),
        what: "list the multiprocess directory",
        source,
    })?;
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if folded.contains(&name) {
            // Folded into the archive; a compaction that stopped before removing it.
            continue;
        }
        match read::read_file(&path) {
            Ok(v) if v.is_archive() => out.skipped.push(Skip {
                path,
                reason: "corrupt",
                why: "a process file whose header says it is an archive".into(),
            }),
            Ok(v) => views.push(v),
            Err(e) if e.reason() == "io" && !path.exists() => {} // removed meanwhile
            Err(e) if being_created(&path, &e) => {}
            Err(e) => out.skipped.push(Skip {
                path,
                reason: e.reason(),
                why: e.to_string(),
            }),
        }
    }
    for v in &views {
        let path = dir.join(&v.name);
        match out.merged.add_file(v) {
            Ok(problems) => {
                out.saw_dead |= !v.alive && !v.is_archive();
                out.unstored += v.header.unstored;
                out.skipped.extend(problems.into_iter().map(|p| Skip {
                    path: path.clone(),
                    reason: p.reason,
                    why: p.why,
                }));
            }
            Err(why) => out.skipped.push(Skip {
                path,
                reason: "corrupt",
                why: format!("corrupt: {why}"),
            }),
        }
    }
    Ok(out)
}

/// The `reason`s of `promenade_multiprocess_skipped_files_total`, in exposition order.
pub(crate) const SKIP_REASONS: [&str; 6] = [
    "corrupt",
    "foreign",
    "io",
    "mismatch",
    "truncated",
    "version",
];

static SKIPPED: [AtomicU64; 6] = [const { AtomicU64::new(0) }; 6];
static REPORTED: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

/// Reports a skipped file on stderr and counts it, the first time only (per process).
pub(crate) fn report_skip(skip: &Skip) {
    let mut reported = REPORTED.lock().unwrap_or_else(|e| e.into_inner());
    if !reported.insert(skip.path.clone()) {
        return;
    }
    drop(reported);
    let i = SKIP_REASONS
        .iter()
        .position(|r| *r == skip.reason)
        .unwrap_or(0);
    SKIPPED[i].fetch_add(1, Ordering::Relaxed);
    eprintln!(
        "promenade: skipping multiprocess file {}: {}",
        skip.path.display(),
        skip.why
    );
}

/// Reports something once per process on stderr, by `key`.
pub(crate) fn report_once(key: PathBuf, message: std::fmt::Arguments<'_>) {
    static ONCE: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    if ONCE.lock().unwrap_or_else(|e| e.into_inner()).insert(key) {
        eprintln!("promenade: {message}");
    }
}

/// How many files this process skipped, by reason (each file counted once).
pub(crate) fn skipped_counts() -> [(&'static str, u64); 6] {
    std::array::from_fn(|i| (SKIP_REASONS[i], SKIPPED[i].load(Ordering::Relaxed)))
}

/// The aggregate of every file of a multiprocess directory, as a [`Collector`]: what the
/// default registry serves in multiprocess mode in place of the families it bound. Made
/// by [`collector`].
#[derive(Clone, Debug)]
pub struct MultiprocessCollector {
    dir: PathBuf,
}

/// The aggregate of every file of `dir`: register it in a [`Registry`](crate::Registry)
/// to serve, from any process (or from a process that records nothing itself), what
/// every process of the directory recorded.
///
/// At each scrape it takes the directory's lock shared (a compaction holds it
/// exclusive), reads the archive and every process file, and merges them by the rules of
/// the [module docs](crate::multiprocess) table:
/// - counters, histograms and summaries (count and sum; quantiles and `_created` are
///   left out) are summed over every file, the archive of dead processes included; a
///   histogram's `+Inf` bucket is always its `_count`; an unknown metric is summed too;
/// - gauges by their [`GaugeMode`]; `all` and `liveall` add a `pid` label;
/// - an info metric: every distinct label set of a live process, value 1;
/// - a state set: the states of the live process started last that has the series (so
///   the one that wrote last, in a deployment where processes replace each other); a
///   gauge histogram: summed over live processes.
///
/// Families come sorted by name, series by label values (then pid); removed series are
/// left out. Two files that disagree on a family (its type, buckets, labels or gauge
/// mode): the first one read keeps it — the archive first, then the process files by
/// name — and the other file's series of it are left out. A file that cannot be read is
/// skipped: reported once on stderr, counted in
/// `promenade_multiprocess_skipped_files_total{reason}` (once per file, over this
/// process' life; the family appears once a file was skipped), and the rest is served.
///
/// When the scrape counted a file of a dead process, it then runs a [`compact`] if no
/// other one is running (without waiting for it).
///
/// Its [`describe`](Collector::describe) is empty: the families it serves are those the
/// default registry hides, so registering it must not clash with them.
///
/// [`compact`]: super::compact
pub fn collector(dir: impl Into<PathBuf>) -> MultiprocessCollector {
    MultiprocessCollector { dir: dir.into() }
}

impl MultiprocessCollector {
    /// The directory it reads.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Collector for MultiprocessCollector {
    /// Local files under a lock no holder keeps long (a compaction writes one archive):
    /// collected on the scraping thread.
    fn may_block(&self) -> bool {
        false
    }
    fn describe(&self) -> Vec<Descriptor> {
        Vec::new()
    }

    fn collect(&self, sink: &mut dyn Sink) {
        let _ = self.try_collect(sink);
    }

    fn try_collect(&self, sink: &mut dyn Sink) -> Result<(), CollectError> {
        // The default registry's binding walk runs every collector once: nothing of the
        // aggregate is this process' own to bind.
        if sink.multiprocess_binder().is_some() {
            return Ok(());
        }
        let view = {
            let lock = LockFile::open(&self.dir)?;
            lock.shared()?;
            read_dir(&self.dir)?
            // The lock is released here, before a compaction asks for it exclusive.
        };
        for skip in &view.skipped {
            report_skip(skip);
        }
        for family in view.merged.families.values() {
            emit(family, sink);
        }
        emit_skipped(sink);
        emit_unstored(view.unstored, sink);
        if view.saw_dead {
            if let Err(e) = super::compact::try_compact(&self.dir) {
                report_once(
                    self.dir.join(".compaction"),
                    format_args!(
                        "cannot compact the multiprocess directory {}: {e}",
                        self.dir.display()
                    ),
                );
            }
        }
        Ok(())
    }

    fn collector_name(&self) -> std::borrow::Cow<'static, str> {
        "promenade::multiprocess::collector".into()
    }
}

fn emit_unstored(n: u64, sink: &mut dyn Sink) {
    if n == 0 {
        return;
    }
    let Ok(mut f) = CounterFamily::new(
        "promenade_multiprocess_unstored_series_total",
        "Series the processes of the multiprocess directory could not store in their files (no room: a full disk); they recorded into their family's overflow series.",
    ) else {
        return;
    };
    let _ = f.add(Labels::empty(), n);
    f.collect_into(sink);
}

fn emit_skipped(sink: &mut dyn Sink) {
    let counts = skipped_counts();
    if counts.iter().all(|(_, n)| *n == 0) {
        return;
    }
    let Ok(mut f) = CounterFamily::new(
        "promenade_multiprocess_skipped_files_total",
        "Files of the multiprocess directory this process left out of its scrapes, each counted once, by why.",
    ) else {
        return;
    };
    for (reason, n) in counts.into_iter().filter(|(_, n)| *n > 0) {
        if let Ok(labels) = Labels::new([("reason", reason)]) {
            let _ = f.add(labels, n);
        }
    }
    f.collect_into(sink);
}

/// The labels of one merged series.
fn labels_of(record: &FamilyRecord, key: &SeriesKey) -> Labels {
    let mut pairs: Vec<(String, String)> = record
        .label_names
        .iter()
        .cloned()
        .zip(key.labels.iter().cloned())
        .collect();
    if let Some(pid) = key.pid {
        pairs.push((PID_LABEL.to_owned(), pid.to_string()));
    }
    Labels::from_parsed(pairs)
}

/// Sends one merged family through the family builders (which check what the files say,
/// so a scrape never sends what the registry's checks refuse). A series they refuse is
/// left out and reported once.
fn emit(family: &MergedFamily, sink: &mut dyn Sink) {
    let r = &family.record;
    let refused = |what: &dyn std::fmt::Display| {
        report_once(
            PathBuf::from(format!("family:{}", r.name)),
            format_args!(
                "a series of the multiprocess family `{}` cannot be exposed: {what}",
                r.name
            ),
        )
    };
    macro_rules! build {
        ($builder:ident, |$f:ident, $labels:ident, $key:ident, $acc:ident| $add:expr) => {{
            let mut $f = match $builder::new(r.name.clone(), r.help.clone()) {
                Ok(f) if r.unit.is_empty() => f,
                Ok(f) => match f.with_unit(r.unit.clone()) {
                    Ok(f) => f,
                    Err(e) => return refused(&e),
                },
                Err(e) => return refused(&e),
            };
            for ($key, $acc) in &family.series {
                let $labels = labels_of(r, $key);
                let added: Result<(), crate::Error> = $add;
                if let Err(e) = added {
                    refused(&e);
                }
            }
            $f.collect_into(sink);
        }};
    }
    match r.metric_type {
        MetricType::Counter => build!(CounterFamily, |f, labels, key, acc| match acc {
            Acc::Value(v) => {
                let exemplar = family
                    .exemplars
                    .get(key)
                    .and_then(|e| e.first().cloned().flatten())
                    .and_then(|e| exemplar(&e));
                let extras = CounterExtras {
                    exemplar,
                    ..CounterExtras::default()
                };
                f.add_with(labels, v.number(), extras).map(|_| ())
            }
            _ => Ok(()),
        }),
        MetricType::Unknown => build!(UnknownFamily, |f, labels, _key, acc| match acc {
            Acc::Value(v) => f.add(labels, v.number()).map(|_| ()),
            _ => Ok(()),
        }),
        MetricType::Gauge => build!(GaugeFamily, |f, labels, _key, acc| match acc {
            Acc::Gauge { value, .. } => f.add(labels, value.number()).map(|_| ()),
            _ => Ok(()),
        }),
        MetricType::Histogram => build!(HistogramFamily, |f, labels, key, acc| match acc {
            Acc::Buckets { counts, sum } => {
                let buckets = cumulative(&r.bounds, counts);
                let exemplars: Vec<_> = family
                    .exemplars
                    .get(key)
                    .map(|e| e.iter().map(|e| e.as_ref().and_then(exemplar)).collect())
                    .unwrap_or_default();
                let extras = |exemplars| HistogramExtras {
                    exemplars,
                    ..HistogramExtras::default()
                };
                // The builder refuses what OpenMetrics refuses (a negative or NaN sum, a
                // sum beside a negative bound), which a live histogram can hold: then
                // the buckets alone.
                f.add_with(
                    labels.clone(),
                    &buckets,
                    Some(*sum),
                    extras(exemplars.clone()),
                )
                .map(|_| ())
                .or_else(|_| {
                    f.add_with(labels.clone(), &buckets, None, extras(exemplars))
                        .map(|_| ())
                })
                .or_else(|_| f.add(labels, &buckets, None).map(|_| ()))
            }
            _ => Ok(()),
        }),
        MetricType::GaugeHistogram => {
            build!(GaugeHistogramFamily, |f, labels, _key, acc| match acc {
                Acc::Buckets { counts, sum } => {
                    let buckets = cumulative(&r.bounds, counts);
                    f.add(labels.clone(), &buckets, Some(*sum))
                        .map(|_| ())
                        .or_else(|_| f.add(labels, &buckets, None).map(|_| ()))
                }
                _ => Ok(()),
            })
        }
        MetricType::Summary => build!(SummaryFamily, |f, labels, _key, acc| match acc {
            Acc::Summary { count, sum } => f.add(labels, *count, *sum).map(|_| ()),
            _ => Ok(()),
        }),
        MetricType::Info => build!(InfoFamily, |f, labels, key, _acc| {
            let pairs = key
                .extra
                .chunks_exact(2)
                .map(|p| (p[0].as_str(), p[1].as_str()));
            f.add(labels, pairs).map(|_| ())
        }),
        MetricType::StateSet => build!(StateSetFamily, |f, labels, _key, acc| match acc {
            Acc::States { names, cells, .. } => f
                .add(
                    labels,
                    names
                        .iter()
                        .map(String::as_str)
                        .zip(cells.iter().map(|c| *c != 0)),
                )
                .map(|_| ()),
            _ => Ok(()),
        }),
    }
}

/// An exemplar as stored, for the family builders (`None` if its labels or numbers are
/// not ones an exposition can carry).
fn exemplar(e: &ExemplarData) -> Option<Exemplar> {
    let labels =
        ExemplarLabels::new(e.labels.iter().map(|(n, v)| (n.as_str(), v.as_str()))).ok()?;
    Exemplar::new(&labels, e.value, Some(e.timestamp)).ok()
}

/// `(le, cumulative count)` pairs of a histogram's counts per bucket: `+Inf` is their sum,
/// so it always equals the count.
fn cumulative(bounds: &[f64], counts: &[u64]) -> Vec<(f64, u64)> {
    let mut total = 0u64;
    bounds
        .iter()
        .copied()
        .chain([f64::INFINITY])
        .zip(counts)
        .map(|(le, c)| {
            total = total.wrapping_add(*c);
            (le, total)
        })
        .collect()
}
