//! File format version 1: encoding records into words and decoding them back (safe code;
//! the words come from `map.rs`). The layout is documented in the module docs
//! (`multiprocess/mod.rs`); the constants here are the only place it is spelled.

use std::sync::atomic::{AtomicU64, Ordering};

use super::GaugeMode;
use crate::MetricType;

pub(crate) const MAGIC: [u8; 8] = *b"PROMNDMP";
pub(crate) const VERSION: u32 = 1;
pub(crate) const HEADER_BYTES: usize = 64;
/// The header's word holding `used`, the end of the published records.
pub(crate) const USED_WORD: usize = 4;
/// The header's word counting the series this process could not store (no room).
pub(crate) const UNSTORED_WORD: usize = 5;
pub(crate) const FLAG_ARCHIVE: u32 = 1;
/// Files grow by this much; a record never crosses a multiple of it.
pub(crate) const CHUNK: usize = 1 << 20;

pub(crate) const KIND_PAD: u16 = 0;
pub(crate) const KIND_FAMILY: u16 = 1;
pub(crate) const KIND_SERIES: u16 = 2;
pub(crate) const KIND_FOLDED: u16 = 3;
pub(crate) const KIND_EXEMPLARS: u16 = 4;

/// Words per exemplar slot: a sequence word, the value, the timestamp, the byte length of
/// the labels, and 66 words (528 bytes) of labels (`u16` count, then name and value
/// strings) — room for OpenMetrics' 128 code points of exemplar labels.
pub(crate) const SLOT_WORDS: usize = 70;
const SLOT_LABEL_BYTES: usize = (SLOT_WORDS - 4) * 8;

/// The series' state bit in its second word (after the family id).
pub(crate) const SERIES_REMOVED: u64 = 1 << 32;

/// How a family's value cells hold numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ValueKind {
    /// `u64`.
    Int,
    /// `f64` bits.
    Float,
    /// `i64` as `u64` bits.
    Signed,
}

impl ValueKind {
    fn code(self) -> u8 {
        match self {
            ValueKind::Int => 0,
            ValueKind::Float => 1,
            ValueKind::Signed => 2,
        }
    }
    fn from_code(c: u8) -> Option<Self> {
        Some(match c {
            0 => ValueKind::Int,
            1 => ValueKind::Float,
            2 => ValueKind::Signed,
            _ => return None,
        })
    }
}

pub(crate) fn type_code(t: MetricType) -> u8 {
    match t {
        MetricType::Counter => 0,
        MetricType::Gauge => 1,
        MetricType::Histogram => 2,
        MetricType::Unknown => 3,
        MetricType::Summary => 4,
        MetricType::Info => 5,
        MetricType::StateSet => 6,
        MetricType::GaugeHistogram => 7,
    }
}

fn type_from_code(c: u8) -> Option<MetricType> {
    Some(match c {
        0 => MetricType::Counter,
        1 => MetricType::Gauge,
        2 => MetricType::Histogram,
        3 => MetricType::Unknown,
        4 => MetricType::Summary,
        5 => MetricType::Info,
        6 => MetricType::StateSet,
        7 => MetricType::GaugeHistogram,
        _ => return None,
    })
}

/// The header of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) pid: u32,
    pub(crate) flags: u32,
    pub(crate) start_nanos: u64,
    pub(crate) used: u64,
    /// Series the process could not store (its file could not grow).
    pub(crate) unstored: u64,
}

impl Header {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut b = Vec::with_capacity(HEADER_BYTES);
        b.extend_from_slice(&MAGIC);
        b.extend_from_slice(&VERSION.to_le_bytes());
        b.extend_from_slice(&(HEADER_BYTES as u32).to_le_bytes());
        b.extend_from_slice(&self.pid.to_le_bytes());
        b.extend_from_slice(&self.flags.to_le_bytes());
        b.extend_from_slice(&self.start_nanos.to_le_bytes());
        b.extend_from_slice(&self.used.to_le_bytes());
        b.extend_from_slice(&self.unstored.to_le_bytes());
        b.resize(HEADER_BYTES, 0);
        b
    }
}

/// A family record: what a reader needs to expose the family without the writer's code.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FamilyRecord {
    pub(crate) id: u32,
    pub(crate) metric_type: MetricType,
    pub(crate) mode: GaugeMode,
    pub(crate) value_kind: ValueKind,
    pub(crate) name: String,
    pub(crate) help: String,
    pub(crate) unit: String,
    pub(crate) label_names: Vec<String>,
    pub(crate) bounds: Vec<f64>,
}

/// A series record, with its cells as read.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SeriesRecord {
    /// Where the record starts in its file: what an exemplars record names it by.
    pub(crate) offset: u64,
    pub(crate) family: u32,
    pub(crate) removed: bool,
    /// The label values in the family's label-name order, then the type's own strings (an
    /// info metric's name/value pairs, a state set's state names).
    pub(crate) strings: Vec<String>,
    pub(crate) cells: Vec<u64>,
}

/// Why a file could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// Not a promenade multiprocess file (another magic, or shorter than a header).
    Foreign,
    /// A version this reader does not read.
    Version(u32),
    /// The header says more was written than the file holds.
    Truncated,
    /// A record that does not parse.
    Corrupt(&'static str),
}

impl DecodeError {
    /// The `reason` label of the skipped-files self-metric.
    pub(crate) fn reason(&self) -> &'static str {
        match self {
            DecodeError::Foreign => "foreign",
            DecodeError::Version(_) => "version",
            DecodeError::Truncated => "truncated",
            DecodeError::Corrupt(_) => "corrupt",
        }
    }
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Foreign => {
                f.write_str("not a promenade multiprocess file (no PROMNDMP header)")
            }
            DecodeError::Version(v) => write!(
                f,
                "file format version {v}, and this promenade reads version {VERSION} only: \
                 the file was written by another promenade release"
            ),
            DecodeError::Truncated => {
                f.write_str("truncated: its header counts more records than the file holds")
            }
            DecodeError::Corrupt(why) => write!(f, "corrupt: {why}"),
        }
    }
}

/// Builds one record's bytes.
struct RecordBytes {
    b: Vec<u8>,
}

impl RecordBytes {
    fn new(kind: u16) -> Self {
        let mut b = Vec::with_capacity(64);
        b.extend_from_slice(&kind.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&0u32.to_le_bytes()); // len, filled in by `finish`
        RecordBytes { b }
    }
    fn u8(&mut self, v: u8) {
        self.b.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.b.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.b.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.b.extend_from_slice(&v.to_le_bytes());
    }
    fn string(&mut self, s: &str) -> Result<(), &'static str> {
        let len = u16::try_from(s.len()).map_err(|_| "a string longer than 65,535 bytes")?;
        self.u16(len);
        self.b.extend_from_slice(s.as_bytes());
        Ok(())
    }
    fn pad(&mut self) {
        while self.b.len() % 8 != 0 {
            self.b.push(0);
        }
    }
    fn finish(mut self) -> Result<Vec<u8>, &'static str> {
        self.pad();
        let len = u32::try_from(self.b.len()).map_err(|_| "a record longer than 4 GiB")?;
        self.b[4..8].copy_from_slice(&len.to_le_bytes());
        Ok(self.b)
    }
}

fn count<T>(items: &[T], what: &'static str) -> Result<u16, &'static str> {
    u16::try_from(items.len()).map_err(|_| what)
}

pub(crate) fn encode_family(f: &FamilyRecord) -> Result<Vec<u8>, &'static str> {
    let mut r = RecordBytes::new(KIND_FAMILY);
    r.u32(f.id);
    r.u8(type_code(f.metric_type));
    r.u8(f.mode.code());
    r.u8(f.value_kind.code());
    r.u8(0);
    r.u16(count(&f.label_names, "more than 65,535 label names")?);
    r.u16(count(&f.bounds, "more than 65,535 bucket bounds")?);
    r.u32(0);
    r.string(&f.name)?;
    r.string(&f.help)?;
    r.string(&f.unit)?;
    for n in &f.label_names {
        r.string(n)?;
    }
    r.pad();
    for b in &f.bounds {
        r.u64(b.to_bits());
    }
    r.finish()
}

/// A series record; its cells are the last `cells.len()` words.
pub(crate) fn encode_series<S: AsRef<str>>(
    family: u32,
    removed: bool,
    strings: &[S],
    cells: &[u64],
) -> Result<Vec<u8>, &'static str> {
    let mut r = RecordBytes::new(KIND_SERIES);
    r.u32(family);
    r.u32(if removed { 1 } else { 0 });
    r.u32(u32::try_from(cells.len()).map_err(|_| "too many cells")?);
    r.u16(count(strings, "more than 65,535 label values")?);
    r.u16(0);
    for s in strings {
        r.string(s.as_ref())?;
    }
    r.pad();
    for c in cells {
        r.u64(*c);
    }
    r.finish()
}

pub(crate) fn encode_folded(names: &[String]) -> Result<Vec<u8>, &'static str> {
    let mut r = RecordBytes::new(KIND_FOLDED);
    r.u32(u32::try_from(names.len()).map_err(|_| "too many names")?);
    r.u32(0);
    for n in names {
        r.string(n)?;
    }
    r.finish()
}

pub(crate) fn encode_pad(len: usize) -> Vec<u8> {
    let mut b = vec![0; len];
    b[0..2].copy_from_slice(&KIND_PAD.to_le_bytes());
    b[4..8].copy_from_slice(&(len as u32).to_le_bytes());
    b
}

/// Stores `bytes` (a multiple of 8 long) into `words`, from the first.
pub(crate) fn store_bytes(words: &[AtomicU64], bytes: &[u8]) {
    for (w, b) in words.iter().zip(bytes.chunks_exact(8)) {
        let mut a = [0; 8];
        a.copy_from_slice(b);
        w.store(u64::from_le_bytes(a), Ordering::Relaxed);
    }
}

/// A whole decoded file.
#[derive(Clone, Debug, Default)]
pub(crate) struct Decoded {
    pub(crate) families: Vec<FamilyRecord>,
    pub(crate) series: Vec<SeriesRecord>,
    pub(crate) folded: Vec<String>,
    pub(crate) exemplars: Vec<ExemplarsRecord>,
}

/// The latest exemplar of each bucket of one series (one slot for a counter).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExemplarsRecord {
    /// The offset of the series record in the same file.
    pub(crate) series: u64,
    pub(crate) slots: Vec<Option<ExemplarData>>,
}

/// One exemplar as stored.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ExemplarData {
    pub(crate) value: f64,
    /// Seconds since the epoch.
    pub(crate) timestamp: f64,
    pub(crate) labels: Vec<(String, String)>,
}

/// An exemplars record with `slots.len()` slots; the slots are its last words.
pub(crate) fn encode_exemplars(
    series: u64,
    slots: &[Option<ExemplarData>],
) -> Result<Vec<u8>, &'static str> {
    let mut r = RecordBytes::new(KIND_EXEMPLARS);
    r.u64(series);
    r.u32(u32::try_from(slots.len()).map_err(|_| "too many exemplar slots")?);
    r.u32(0);
    let mut b = r.finish()?;
    for slot in slots {
        let words: Vec<AtomicU64> = (0..SLOT_WORDS).map(|_| AtomicU64::new(0)).collect();
        if let Some(e) = slot {
            write_slot(&words, e);
        }
        for w in &words {
            b.extend_from_slice(&w.load(Ordering::Relaxed).to_le_bytes());
        }
    }
    let len = b.len() as u32;
    b[4..8].copy_from_slice(&len.to_le_bytes());
    Ok(b)
}

/// Writes an exemplar into a slot (one writer at a time: the caller serialises them),
/// under the slot's sequence word, so a reader never takes half of one write. Labels
/// that do not fit are not stored (`false`).
pub(crate) fn write_slot(slot: &[AtomicU64], e: &ExemplarData) -> bool {
    let mut b = Vec::with_capacity(64);
    b.extend_from_slice(&(e.labels.len() as u16).to_le_bytes());
    for (n, v) in &e.labels {
        for s in [n, v] {
            let Ok(len) = u16::try_from(s.len()) else {
                return false;
            };
            b.extend_from_slice(&len.to_le_bytes());
            b.extend_from_slice(s.as_bytes());
        }
    }
    if b.len() > SLOT_LABEL_BYTES {
        return false;
    }
    let len = b.len();
    b.resize(SLOT_LABEL_BYTES, 0);
    let seq = &slot[0];
    let s = seq.load(Ordering::Relaxed);
    seq.store(s | 1, Ordering::Relaxed);
    std::sync::atomic::fence(Ordering::Release);
    slot[1].store(e.value.to_bits(), Ordering::Relaxed);
    slot[2].store(e.timestamp.to_bits(), Ordering::Relaxed);
    slot[3].store(len as u64, Ordering::Relaxed);
    store_bytes(&slot[4..], &b);
    seq.store((s | 1) + 1, Ordering::Release);
    true
}

/// Reads a slot: `None` if empty, or if a write kept overlapping the read.
pub(crate) fn read_slot(slot: &[AtomicU64]) -> Option<ExemplarData> {
    for _ in 0..16 {
        let s1 = slot[0].load(Ordering::Acquire);
        if s1 == 0 {
            return None;
        }
        if s1 & 1 == 1 {
            std::hint::spin_loop();
            continue;
        }
        let value = f64::from_bits(slot[1].load(Ordering::Relaxed));
        let timestamp = f64::from_bits(slot[2].load(Ordering::Relaxed));
        let len = slot[3].load(Ordering::Relaxed) as usize;
        let bytes = load_bytes(&slot[4..]);
        std::sync::atomic::fence(Ordering::Acquire);
        if slot[0].load(Ordering::Relaxed) != s1 {
            continue;
        }
        let mut c = Cursor::new(bytes.get(..len)?);
        let n = c.u16().ok()?;
        let mut labels = Vec::with_capacity(usize::from(n));
        for _ in 0..n {
            labels.push((c.string().ok()?, c.string().ok()?));
        }
        return Some(ExemplarData {
            value,
            timestamp,
            labels,
        });
    }
    None
}

/// Reads the header from a file's words.
pub(crate) fn decode_header(words: &[AtomicU64]) -> Result<Header, DecodeError> {
    if words.len() < HEADER_BYTES / 8 {
        return Err(DecodeError::Foreign);
    }
    let w = |i: usize| words[i].load(Ordering::Relaxed);
    if w(0).to_le_bytes() != MAGIC {
        return Err(DecodeError::Foreign);
    }
    let version = w(1) as u32;
    if version != VERSION {
        return Err(DecodeError::Version(version));
    }
    if (w(1) >> 32) as usize != HEADER_BYTES {
        return Err(DecodeError::Corrupt("a header of the wrong size"));
    }
    Ok(Header {
        pid: w(2) as u32,
        flags: (w(2) >> 32) as u32,
        start_nanos: w(3),
        used: words[USED_WORD].load(Ordering::Acquire),
        unstored: words[UNSTORED_WORD].load(Ordering::Relaxed),
    })
}

/// Decodes every record up to `header.used`. `words` is the whole file as mapped.
pub(crate) fn decode_records(words: &[AtomicU64], used: u64) -> Result<Decoded, DecodeError> {
    let used = usize::try_from(used).map_err(|_| DecodeError::Truncated)?;
    if used % 8 != 0 || used < HEADER_BYTES {
        return Err(DecodeError::Corrupt(
            "the end of its records is not on a word",
        ));
    }
    if used / 8 > words.len() {
        return Err(DecodeError::Truncated);
    }
    let mut out = Decoded::default();
    let mut at = HEADER_BYTES / 8;
    let end = used / 8;
    while at < end {
        let head = words[at].load(Ordering::Relaxed);
        let kind = head as u16;
        let len = (head >> 32) as usize;
        if len < 8 || len % 8 != 0 || at + len / 8 > end {
            return Err(DecodeError::Corrupt("a record overruns the published end"));
        }
        if at * 8 / CHUNK != (at * 8 + len - 1) / CHUNK {
            return Err(DecodeError::Corrupt("a record crosses a chunk boundary"));
        }
        let rec = &words[at..at + len / 8];
        match kind {
            KIND_PAD => {}
            KIND_FAMILY => out.families.push(decode_family(rec)?),
            KIND_SERIES => out.series.push(decode_series(rec, at as u64 * 8)?),
            KIND_EXEMPLARS => {
                let series = rec.get(1).map(|w| w.load(Ordering::Relaxed));
                let n = rec
                    .get(2)
                    .map(|w| w.load(Ordering::Relaxed) as u32 as usize);
                let (Some(series), Some(n)) = (series, n) else {
                    return Err(DecodeError::Corrupt("an exemplars record too short"));
                };
                if rec.len() != 3 + n * SLOT_WORDS {
                    return Err(DecodeError::Corrupt(
                        "an exemplars record of the wrong length",
                    ));
                }
                let slots = rec[3..].chunks_exact(SLOT_WORDS).map(read_slot).collect();
                out.exemplars.push(ExemplarsRecord { series, slots });
            }
            KIND_FOLDED => {
                let bytes = load_bytes(rec);
                let mut c = Cursor::new(&bytes[8..]);
                let n = c.u32()?;
                c.u32()?;
                for _ in 0..n {
                    out.folded.push(c.string()?);
                }
            }
            _ => return Err(DecodeError::Corrupt("a record of an unknown kind")),
        }
        at += len / 8;
    }
    Ok(out)
}

fn load_bytes(words: &[AtomicU64]) -> Vec<u8> {
    let mut b = Vec::with_capacity(words.len() * 8);
    for w in words {
        b.extend_from_slice(&w.load(Ordering::Relaxed).to_le_bytes());
    }
    b
}

struct Cursor<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn new(b: &'a [u8]) -> Self {
        Cursor { b, at: 0 }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let s = self
            .b
            .get(self.at..self.at + n)
            .ok_or(DecodeError::Corrupt("a record shorter than its fields"))?;
        self.at += n;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, DecodeError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Result<u32, DecodeError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn u64(&mut self) -> Result<u64, DecodeError> {
        let mut a = [0; 8];
        a.copy_from_slice(self.take(8)?);
        Ok(u64::from_le_bytes(a))
    }
    fn string(&mut self) -> Result<String, DecodeError> {
        let n = self.u16()? as usize;
        let s = self.take(n)?;
        String::from_utf8(s.to_vec())
            .map_err(|_| DecodeError::Corrupt("a string that is not UTF-8"))
    }
    fn pad(&mut self) {
        self.at = self.at.div_ceil(8) * 8;
    }
}

fn decode_family(rec: &[AtomicU64]) -> Result<FamilyRecord, DecodeError> {
    let bytes = load_bytes(rec);
    let mut c = Cursor::new(&bytes[8..]);
    let id = c.u32()?;
    let metric_type =
        type_from_code(c.u8()?).ok_or(DecodeError::Corrupt("an unknown metric type"))?;
    let mode =
        GaugeMode::from_code(c.u8()?).ok_or(DecodeError::Corrupt("an unknown gauge mode"))?;
    let value_kind =
        ValueKind::from_code(c.u8()?).ok_or(DecodeError::Corrupt("an unknown value kind"))?;
    c.u8()?;
    let n_labels = c.u16()?;
    let n_bounds = c.u16()?;
    c.u32()?;
    let name = c.string()?;
    let help = c.string()?;
    let unit = c.string()?;
    let label_names = (0..n_labels)
        .map(|_| c.string())
        .collect::<Result<_, _>>()?;
    c.pad();
    let bounds = (0..n_bounds)
        .map(|_| c.u64().map(f64::from_bits))
        .collect::<Result<_, _>>()?;
    Ok(FamilyRecord {
        id,
        metric_type,
        mode,
        value_kind,
        name,
        help,
        unit,
        label_names,
        bounds,
    })
}

fn decode_series(rec: &[AtomicU64], offset: u64) -> Result<SeriesRecord, DecodeError> {
    let head = rec
        .get(1)
        .ok_or(DecodeError::Corrupt("a series record too short"))?;
    let w1 = head.load(Ordering::Relaxed);
    let w2 = rec
        .get(2)
        .ok_or(DecodeError::Corrupt("a series record too short"))?
        .load(Ordering::Relaxed);
    let n_cells = (w2 as u32) as usize;
    let n_strings = (w2 >> 32) as u16;
    if n_cells > rec.len() - 3 {
        return Err(DecodeError::Corrupt(
            "a series record shorter than its cells",
        ));
    }
    let fixed = rec.len() - n_cells;
    let bytes = load_bytes(&rec[..fixed]);
    let mut c = Cursor::new(&bytes[24..]);
    let strings = (0..n_strings)
        .map(|_| c.string())
        .collect::<Result<_, _>>()?;
    let cells = rec[fixed..]
        .iter()
        .map(|w| w.load(Ordering::Relaxed))
        .collect();
    Ok(SeriesRecord {
        offset,
        family: w1 as u32,
        removed: w1 & SERIES_REMOVED != 0,
        strings,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(bytes: &[u8]) -> Vec<AtomicU64> {
        let w: Vec<AtomicU64> = (0..bytes.len() / 8).map(|_| AtomicU64::new(0)).collect();
        store_bytes(&w, bytes);
        w
    }

    fn family() -> FamilyRecord {
        FamilyRecord {
            id: 3,
            metric_type: MetricType::Histogram,
            mode: GaugeMode::All,
            value_kind: ValueKind::Int,
            name: "req_seconds".into(),
            help: "How long — in seconds.".into(),
            unit: "seconds".into(),
            label_names: vec!["method".into(), "path".into()],
            bounds: vec![0.1, 1.0, 10.0],
        }
    }

    #[test]
    fn a_file_round_trips() {
        let mut file = Header {
            pid: 42,
            flags: 0,
            start_nanos: 7,
            used: 0,
            unstored: 0,
        }
        .encode();
        file.extend(encode_family(&family()).unwrap());
        file.extend(encode_pad(16));
        file.extend(
            encode_series(3, true, &["get", "/a"], &[1, 2, 3, 4, 9.5f64.to_bits()]).unwrap(),
        );
        file.extend(encode_folded(&["promenade-1-a.mp".into()]).unwrap());
        let series_at = 64 + encode_family(&family()).unwrap().len() as u64 + 16;
        let e = ExemplarData {
            value: 0.5,
            timestamp: 1.5,
            labels: vec![("trace_id".into(), "abc".into())],
        };
        file.extend(encode_exemplars(series_at, &[None, Some(e.clone())]).unwrap());
        let used = file.len() as u64;
        file[32..40].copy_from_slice(&used.to_le_bytes());
        file.extend([0; 64]); // space after the published end is not read
        let w = words(&file);
        let h = decode_header(&w).unwrap();
        assert_eq!((h.pid, h.start_nanos, h.used), (42, 7, used));
        let d = decode_records(&w, h.used).unwrap();
        assert_eq!(d.families, vec![family()]);
        assert_eq!(d.series.len(), 1);
        assert!(d.series[0].removed);
        assert_eq!(d.series[0].strings, vec!["get", "/a"]);
        assert_eq!(d.series[0].cells, vec![1, 2, 3, 4, 9.5f64.to_bits()]);
        assert_eq!(d.folded, vec!["promenade-1-a.mp"]);
        assert_eq!(d.series[0].offset, series_at);
        assert_eq!(d.exemplars.len(), 1);
        assert_eq!(d.exemplars[0].series, series_at);
        assert_eq!(d.exemplars[0].slots, vec![None, Some(e)]);
    }

    #[test]
    fn bad_files_are_named_errors() {
        assert_eq!(decode_header(&words(&[0; 64])), Err(DecodeError::Foreign));
        assert_eq!(decode_header(&words(&[0; 8])), Err(DecodeError::Foreign));
        let mut h = Header {
            pid: 1,
            flags: 0,
            start_nanos: 0,
            used: 64,
            unstored: 0,
        }
        .encode();
        h[8] = 2;
        assert_eq!(decode_header(&words(&h)), Err(DecodeError::Version(2)));
        assert!(DecodeError::Version(2)
            .to_string()
            .contains("reads version 1 only"));
        let h = Header {
            pid: 1,
            flags: 0,
            start_nanos: 0,
            used: 640,
            unstored: 0,
        }
        .encode();
        let w = words(&h);
        assert_eq!(decode_records(&w, 640).unwrap_err(), DecodeError::Truncated);
        // A record whose length runs past the end.
        let mut f = Header {
            pid: 1,
            flags: 0,
            start_nanos: 0,
            used: 0,
            unstored: 0,
        }
        .encode();
        let mut s = encode_series(0, false, &["x"], &[1]).unwrap();
        s[4] = 200;
        f.extend(s);
        let used = f.len() as u64;
        assert!(matches!(
            decode_records(&words(&f), used),
            Err(DecodeError::Corrupt(_))
        ));
    }
}
