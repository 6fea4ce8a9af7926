//! Helpers the micro benchmarks in `benches/` share: ARM list pages as the
//! simulator serves them. The benchmarks themselves live in `benches/`;
//! their results are written down in `RESULTS.md`.

use azlin_sim::{Options, SUBSCRIPTION, Sim, TOKEN};

/// Compute API version of the VM calls (as azlin's inventory asks).
const COMPUTE_API: &str = "api-version=2024-07-01";
/// Network API version of the NIC and public-IP calls.
const NETWORK_API: &str = "api-version=2024-05-01";

/// The first page of each of the four lists `azlin list` joins, as azlin-sim
/// serves them (the official examples' shapes), raw JSON bytes.
#[derive(Debug, Clone)]
pub struct Pages {
    /// `GET …/virtualMachines`: the VM models.
    pub vms: Vec<u8>,
    /// `GET …/virtualMachines?statusOnly=true`: each VM's instance view.
    pub states: Vec<u8>,
    /// `GET …/networkInterfaces`.
    pub nics: Vec<u8>,
    /// `GET …/publicIPAddresses` (most VMs have one).
    pub pips: Vec<u8>,
}

impl Pages {
    /// Starts azlin-sim with `vms` VMs on a loopback port, all on one page,
    /// fetches the four lists once over HTTP and stops the simulator.
    pub fn fetch(vms: usize) -> Pages {
        let tokio = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio");
        tokio.block_on(async {
            let options = Options {
                vms,
                group_size: vms,
                page_size: vms,
                ..Options::default()
            };
            let sim = Sim::start(options, 0).await.expect("azlin-sim starts");
            let base = format!("{}/subscriptions/{SUBSCRIPTION}/providers", sim.url());
            let vms_url = format!("{base}/Microsoft.Compute/virtualMachines?{COMPUTE_API}");
            let http = reqwest::Client::new();
            let get = |url: String| {
                let http = http.clone();
                async move {
                    let response = http
                        .get(&url)
                        .bearer_auth(TOKEN)
                        .send()
                        .await
                        .and_then(reqwest::Response::error_for_status)
                        .unwrap_or_else(|error| panic!("GET {url}: {error}"));
                    let body = response.bytes().await.expect("a body");
                    body.to_vec()
                }
            };
            Pages {
                states: get(format!("{vms_url}&statusOnly=true")).await,
                vms: get(vms_url).await,
                nics: get(format!(
                    "{base}/Microsoft.Network/networkInterfaces?{NETWORK_API}"
                ))
                .await,
                pips: get(format!(
                    "{base}/Microsoft.Network/publicIPAddresses?{NETWORK_API}"
                ))
                .await,
            }
        })
    }
}
