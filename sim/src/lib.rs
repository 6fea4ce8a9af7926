//! azlin-sim: a simulated Azure subscription speaking the ARM wire format
//! (from the official examples), with a token endpoint, paging, long-running
//! operations, request counts and fault knobs. Point azlin at it by URL.
//! [`sshd`] starts real sshd processes for the simulated VMs to point at.

mod fleet;
mod lifecycle;
mod operations;
mod resources;
mod routes;
pub mod sshd;
mod templates;
mod usage;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use fleet::{SimVm, is_running, vms_for_running};

/// The subscription id the simulator serves.
pub const SUBSCRIPTION: &str = "00000000-0000-0000-0000-00000000a21e";
/// The token the simulator issues and expects.
pub const TOKEN: &str = "azlin-sim-token";
/// The header value managed-identity clients must send.
pub const IDENTITY_HEADER: &str = "azlin-sim-identity";

/// How the simulator behaves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Number of VMs (1 … 10 000).
    pub vms: usize,
    /// VMs per resource group: `rg-0` holds the first this-many.
    pub group_size: usize,
    /// Items per page of a list; more items give a `nextLink`.
    pub page_size: usize,
    /// Added to every ARM request.
    pub latency: Duration,
    /// The next this-many ARM requests answer 429 with `Retry-After`.
    pub throttle: u64,
    /// Seconds in the 429's `Retry-After`.
    pub retry_after: u64,
    /// Fraction of ARM requests answering 500 (0.0 … 1.0), spread evenly.
    pub fail_rate: f64,
    /// Polls a long-running operation answers `InProgress` before it is done.
    pub operation_polls: u64,
    /// IP addresses given to the first VMs (e.g. of real sshd processes).
    pub addresses: Vec<String>,
    /// IP addresses given to the first running VMs, after `addresses`.
    pub running_addresses: Vec<String>,
    /// Further subscription ids served besides [`SUBSCRIPTION`], each
    /// showing the same fleet under its own ids (for switching contexts).
    pub subscriptions: Vec<String>,
    /// IP addresses given, in order, to VMs created by PUT (as their NIC's
    /// private and public IP's address); synthesised ones once used up.
    pub spare_addresses: Vec<String>,
    /// An `authorized_keys` file (say, of an sshd fleet) that each SSH
    /// public key a VM create names is appended to.
    pub authorized_keys: Option<PathBuf>,
    /// VMs listed with `null` where ARM usually sends values (location,
    /// tags, NIC references, size) and an empty instance view.
    pub odd_vms: Vec<String>,
    /// VMs listed with a `null` id: no client can read them.
    pub unreadable_vms: Vec<String>,
    /// Every list's last page links back to its first: a `nextLink` cycle.
    pub looping_pages: bool,
    /// vCPU limits that differ from the default (see `usage.rs`), as
    /// `(region, usage name, limit)`, e.g. `("westus2", "standardEASv5Family", 16)`.
    pub quota_limits: Vec<(String, String, u64)>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            vms: 10,
            group_size: 25,
            page_size: 100,
            latency: Duration::ZERO,
            throttle: 0,
            retry_after: 1,
            fail_rate: 0.0,
            operation_polls: 1,
            addresses: Vec::new(),
            running_addresses: Vec::new(),
            subscriptions: Vec::new(),
            spare_addresses: Vec::new(),
            authorized_keys: None,
            odd_vms: Vec::new(),
            unreadable_vms: Vec::new(),
            looping_pages: false,
            quota_limits: Vec::new(),
        }
    }
}

/// Everything the handlers share.
pub struct State {
    options: Mutex<Options>,
    resources: Mutex<resources::Resources>,
    templates: templates::Templates,
    counts: Mutex<BTreeMap<String, u64>>,
    /// ARM requests per subscription id in their path, as sent.
    subscription_counts: Mutex<BTreeMap<String, u64>>,
    arm_requests: AtomicU64,
    throttled: AtomicU64,
    operations: Mutex<Vec<operations::Operation>>,
}

impl State {
    fn new(options: Options) -> Self {
        Self {
            resources: Mutex::new(resources::Resources::generate(&options)),
            options: Mutex::new(options),
            templates: templates::Templates::load(),
            counts: Mutex::default(),
            subscription_counts: Mutex::default(),
            arm_requests: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            operations: Mutex::default(),
        }
    }

    fn count(&self, operation: &str) {
        *self
            .counts
            .lock()
            .expect("counts")
            .entry(operation.into())
            .or_default() += 1;
    }

    /// Requests served so far, per operation name (e.g. `vm.listAll`).
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.counts.lock().expect("counts").clone()
    }

    fn count_subscription(&self, subscription: &str) {
        *self
            .subscription_counts
            .lock()
            .expect("subscription counts")
            .entry(subscription.into())
            .or_default() += 1;
    }

    /// ARM requests so far per subscription id named in their path (served
    /// or not), so a test can tell which subscription a command used.
    pub fn subscriptions(&self) -> BTreeMap<String, u64> {
        self.subscription_counts
            .lock()
            .expect("subscription counts")
            .clone()
    }

    /// Whether `subscription` is one this simulator serves.
    fn serves(&self, subscription: &str) -> Option<String> {
        std::iter::once(SUBSCRIPTION.to_string())
            .chain(self.options().subscriptions)
            .find(|known| known.eq_ignore_ascii_case(subscription))
    }

    /// Total ARM requests (token and `/_sim` requests excluded).
    pub fn arm_total(&self) -> u64 {
        self.counts()
            .iter()
            .filter(|(name, _)| name.as_str() != "token")
            .map(|(_, count)| count)
            .sum()
    }

    /// Forgets the counts (per operation and per subscription).
    pub fn reset_counts(&self) {
        self.counts.lock().expect("counts").clear();
        self.subscription_counts
            .lock()
            .expect("subscription counts")
            .clear();
    }

    /// Changes the behaviour (faults, latency) of a running simulator.
    pub fn set_options(&self, change: impl FnOnce(&mut Options)) {
        change(&mut self.options.lock().expect("options"));
    }

    /// The VMs as they are now (created ones included, deleted ones not),
    /// each with its NIC's addresses.
    pub fn fleet(&self) -> Vec<SimVm> {
        let resources = self.resources.lock().expect("resources");
        resources
            .vms
            .iter()
            .filter_map(|(slot, _)| resources.view(slot))
            .collect()
    }

    fn options(&self) -> Options {
        self.options.lock().expect("options").clone()
    }
}

/// A running simulator.
pub struct Sim {
    pub addr: SocketAddr,
    pub state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Sim {
    /// Starts serving on 127.0.0.1:`port` (0 picks a free port).
    pub async fn start(options: Options, port: u16) -> std::io::Result<Self> {
        let state = Arc::new(State::new(options));
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let app = routes::router(state.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { addr, state, task })
    }

    /// The base URL, e.g. `http://127.0.0.1:41234`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Environment assignments that point azlin at this simulator.
    pub fn environment(&self) -> Vec<(String, String)> {
        let url = self.url();
        vec![
            ("AZLIN_ARM_ENDPOINT".into(), url.clone()),
            ("AZURE_SUBSCRIPTION_ID".into(), SUBSCRIPTION.into()),
            ("IDENTITY_ENDPOINT".into(), format!("{url}/msi/token")),
            ("IDENTITY_HEADER".into(), IDENTITY_HEADER.into()),
        ]
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Counts a request and applies latency and faults; `Some(status, retry)`
/// when this request must fail.
async fn faults(state: &State) -> Option<(u16, Option<u64>)> {
    let options = state.options();
    if !options.latency.is_zero() {
        tokio::time::sleep(options.latency).await;
    }
    let index = state.arm_requests.fetch_add(1, Ordering::Relaxed) + 1;
    if state.throttled.load(Ordering::Relaxed) < options.throttle {
        state.throttled.fetch_add(1, Ordering::Relaxed);
        return Some((429, Some(options.retry_after)));
    }
    let failures = |n: u64| (n as f64 * options.fail_rate).floor() as u64;
    if options.fail_rate > 0.0 && failures(index) != failures(index - 1) {
        return Some((500, None));
    }
    None
}
