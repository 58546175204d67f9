//! Empty on purpose: the benchmarks live in `benches/` (run them with
//! `cargo bench -p promenade-benches`, or `scripts/bench.sh` to regenerate `BENCHMARKS.md`).
