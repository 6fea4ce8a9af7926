//! azlin's benchmarks live in `benches/`; this crate has no library code of
//! its own. Results are written down in `RESULTS.md`.
