//! `azlin-sim`: serve a simulated Azure subscription on loopback and print
//! the environment that points azlin at it.

use azlin_sim::{Options, Sim};
use clap::Parser;
use std::time::Duration;

/// Simulated Azure (ARM + token endpoint) for azlin's tests, benchmarks and demo.
#[derive(Debug, Parser)]
#[command(name = "azlin-sim", version)]
struct Args {
    /// Number of VMs, spread over resource groups of 25
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=10_000))]
    vms: u64,
    /// Items per page of a list
    #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..))]
    page_size: u64,
    /// Latency added to every ARM request, in milliseconds
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// The first N ARM requests answer 429 Too Many Requests
    #[arg(long, default_value_t = 0)]
    throttle: u64,
    /// Seconds in the 429's Retry-After
    #[arg(long, default_value_t = 1)]
    retry_after: u64,
    /// Fraction of ARM requests answering 500, 0.0 to 1.0
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Port on 127.0.0.1 (0 picks a free one)
    #[arg(long, default_value_t = 0)]
    port: u16,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(
        (0.0..=1.0).contains(&args.fail_rate),
        "--fail-rate must be between 0.0 and 1.0"
    );
    let options = Options {
        vms: args.vms as usize,
        page_size: args.page_size as usize,
        latency: Duration::from_millis(args.latency_ms),
        throttle: args.throttle,
        retry_after: args.retry_after,
        fail_rate: args.fail_rate,
        ..Options::default()
    };
    let sim = Sim::start(options, args.port).await?;
    for (name, value) in sim.environment() {
        println!("{name}={value}");
    }
    eprintln!(
        "azlin-sim: serving {} VMs at {} (request counts: {}/_sim/stats)",
        args.vms,
        sim.url(),
        sim.url()
    );
    tokio::signal::ctrl_c().await?;
    Ok(())
}
