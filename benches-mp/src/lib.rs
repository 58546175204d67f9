//! Empty on purpose: the benchmarks live in `benches/` (run them with
//! `cargo bench -p promenade-benches-mp`, or `scripts/bench-multiprocess.sh` to regenerate
//! the multiprocess section of `BENCHMARKS.md`).
