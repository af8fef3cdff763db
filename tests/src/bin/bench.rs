//! `bench`: the project's benchmarks.
//! `cargo run --release -p companion-tests --bin bench -- <name> [--quick]`, or `all`.
//! Each benchmark prints a Markdown section for docs/benchmarks.md.

#[path = "../../benches/builds.rs"]
mod builds;
#[path = "../../benches/ffi.rs"]
mod ffi;
#[path = "../../benches/insights.rs"]
mod insights;
#[path = "../../benches/plan.rs"]
mod plan;
#[path = "../../benches/server.rs"]
mod server;
#[path = "../../benches/store.rs"]
mod store;
#[path = "../../benches/surf.rs"]
mod surf;
#[path = "../../benches/sync.rs"]
mod sync;

/// A benchmark: its name and entry point (given the arguments after the name).
type Bench = (&'static str, fn(&[String]));

/// Every benchmark.
const BENCHES: &[Bench] = &[
    ("store", store::run),
    ("surf", surf::run),
    ("plan", plan::run),
    ("insights", insights::run),
    ("server", server::run),
    ("sync", sync::run),
    ("ffi", ffi::run),
    ("builds", builds::run),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("all");
    let rest = if args.is_empty() { &[][..] } else { &args[1..] };
    let mut ran = false;
    for (name, run) in BENCHES {
        if which == "all" || which == *name {
            run(rest);
            ran = true;
        }
    }
    if !ran {
        let names: Vec<&str> = BENCHES.iter().map(|(n, _)| *n).collect();
        eprintln!("unknown benchmark {which:?}; try: all, {}", names.join(", "));
        std::process::exit(2);
    }
}
