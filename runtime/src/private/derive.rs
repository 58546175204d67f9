//! Support for the derives (`LabelValue`, `LabelSet`, `Metrics`).
