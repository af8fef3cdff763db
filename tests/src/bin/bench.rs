//! `bench`: the project's benchmarks. `cargo run --release -p companion-tests --bin bench -- <name>`
//! Each benchmark prints a Markdown table for docs/benchmarks.md. Names: `store`, `insights` (and more as
//! features land). `all` runs every one.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let which = args.first().map(String::as_str).unwrap_or("all");
    let rest = if args.is_empty() { &[][..] } else { &args[1..] };
    let all = which == "all";
    let mut ran = false;
    if all || which == "store" {
        companion_tests_bench_store::run(rest);
        ran = true;
    }
    if all || which == "insights" {
        companion_tests_bench_insights::run(rest);
        ran = true;
    }
    if !ran {
        eprintln!("unknown benchmark {which:?}; try: all, store, insights");
        std::process::exit(2);
    }
}

#[path = "../../benches/store.rs"]
mod companion_tests_bench_store;

#[path = "../../benches/insights.rs"]
mod companion_tests_bench_insights;
