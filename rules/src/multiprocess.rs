//! Multiprocess mode's gauge modes, by name: what `#[metric(multiprocess = "…")]` accepts
//! and what `promenade::multiprocess::GaugeMode` spells, in the order of their codes.

/// The modes' names (the Python client's `multiprocess_mode` values).
pub const GAUGE_MODES: [&str; 10] = [
    "all",
    "liveall",
    "sum",
    "livesum",
    "max",
    "livemax",
    "min",
    "livemin",
    "mostrecent",
    "livemostrecent",
];

/// The position of `name` in [`GAUGE_MODES`].
pub fn gauge_mode(name: &str) -> Option<usize> {
    GAUGE_MODES.iter().position(|m| *m == name)
}
