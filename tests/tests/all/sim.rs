//! The simulated Azure speaks what azlin's models read: paged lists with
//! power state, NICs and IPs, long-running power operations, faults, counts.

use azlin::azure::models::{
    ArmError, AsyncOperation, InstanceView, NetworkInterface, Page, PowerState, PublicIpAddress,
    VirtualMachine,
};
use azlin_sim::{Options, SUBSCRIPTION, Sim, TOKEN};
use serde::de::DeserializeOwned;

const API: &str = "api-version=2024-07-01";

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    fn new(sim: &Sim) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: sim.url(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/subscriptions/{SUBSCRIPTION}{path}", self.base)
    }

    async fn send(&self, method: reqwest::Method, url: &str) -> reqwest::Response {
        self.http
            .request(method, url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("the simulator answers")
    }

    async fn get<T: DeserializeOwned>(&self, url: &str) -> T {
        let response = self.send(reqwest::Method::GET, url).await;
        assert!(
            response.status().is_success(),
            "{url}: {}",
            response.status()
        );
        response
            .json()
            .await
            .expect("a JSON body of the expected shape")
    }

    /// Every item of a paged list, following `nextLink`; also returns the page count.
    async fn all<T: DeserializeOwned>(&self, url: &str) -> (Vec<T>, usize) {
        let (mut items, mut pages, mut next) = (Vec::new(), 0, Some(url.to_string()));
        while let Some(url) = next {
            let page: Page<T> = self.get(&url).await;
            items.extend(page.value);
            pages += 1;
            next = page.next_link;
        }
        (items, pages)
    }
}

async fn sim(options: Options) -> Sim {
    Sim::start(options, 0).await.expect("the simulator starts")
}

#[tokio::test]
async fn vm_lists_page_and_carry_power_states() {
    let sim = sim(Options {
        vms: 95,
        page_size: 40,
        ..Options::default()
    })
    .await;
    let client = Client::new(&sim);
    let url = client.url(&format!(
        "/providers/Microsoft.Compute/virtualMachines?{API}&statusOnly=true"
    ));
    let (vms, pages): (Vec<VirtualMachine>, usize) = client.all(&url).await;
    assert_eq!((vms.len(), pages), (95, 3));
    let count = |state| {
        vms.iter()
            .filter(|vm| vm.power_state() == Some(state))
            .count()
    };
    assert_eq!(
        count(PowerState::Running) + count(PowerState::Stopped) + count(PowerState::Deallocated),
        95
    );
    assert!(count(PowerState::Stopped) > 0 && count(PowerState::Deallocated) > 0);
    assert!(
        vms.iter()
            .all(|vm| vm.os_type() == Some("Linux") && vm.size().is_some())
    );
    assert_eq!(sim.state.counts().get("vm.listAll"), Some(&3));
}

#[tokio::test]
async fn a_resource_group_lists_only_its_vms_and_unknown_groups_are_not_found() {
    let sim = sim(Options {
        vms: 60,
        ..Options::default()
    })
    .await;
    let client = Client::new(&sim);
    let (vms, _): (Vec<VirtualMachine>, _) = client
        .all(&client.url(&format!(
            "/resourceGroups/rg-1/providers/Microsoft.Compute/virtualMachines?{API}"
        )))
        .await;
    assert_eq!(vms.len(), 25);
    let missing = client
        .send(
            reqwest::Method::GET,
            &client.url(&format!(
                "/resourceGroups/nope/providers/Microsoft.Compute/virtualMachines?{API}"
            )),
        )
        .await;
    assert_eq!(missing.status(), 404);
    let body: ArmError = missing.json().await.expect("an ARM error body");
    assert_eq!(body.error.code, "ResourceGroupNotFound");
}

#[tokio::test]
async fn nics_and_public_ips_join_to_every_vm() {
    let sim = sim(Options {
        vms: 12,
        ..Options::default()
    })
    .await;
    let client = Client::new(&sim);
    let (nics, _): (Vec<NetworkInterface>, _) = client
        .all(&client.url(&format!(
            "/providers/Microsoft.Network/networkInterfaces?{API}"
        )))
        .await;
    let (pips, _): (Vec<PublicIpAddress>, _) = client
        .all(&client.url(&format!(
            "/providers/Microsoft.Network/publicIPAddresses?{API}"
        )))
        .await;
    assert_eq!(nics.len(), 12);
    let with_public = sim
        .state
        .fleet()
        .iter()
        .filter(|vm| vm.public_ip.is_some())
        .count();
    assert_eq!(pips.len(), with_public);
    for nic in &nics {
        let ip = nic.primary_ip_configuration().expect("an IP configuration");
        assert!(
            ip.private_ip_address
                .as_deref()
                .is_some_and(|address| address.starts_with("10."))
        );
        if let Some(reference) = &ip.public_ip_address {
            assert!(
                pips.iter().any(|pip| pip.id == reference.id),
                "{} has no public IP resource",
                reference.id
            );
        }
    }
}

#[tokio::test]
async fn deallocate_is_a_long_running_operation_that_changes_the_power_state() {
    let sim = sim(Options {
        vms: 3,
        operation_polls: 2,
        ..Options::default()
    })
    .await;
    let client = Client::new(&sim);
    let vm = client.url("/resourceGroups/rg-0/providers/Microsoft.Compute/virtualMachines/vm-0000");
    let accepted = client
        .send(reqwest::Method::POST, &format!("{vm}/deallocate?{API}"))
        .await;
    assert_eq!(accepted.status(), 202);
    let headers = accepted.headers();
    let operation = AsyncOperation::from_headers(
        headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.to_str().unwrap_or_default())),
    );
    let poll = operation.poll_url().expect("a polling URL").to_string();
    let mut statuses = Vec::new();
    loop {
        let status: serde_json::Value = client.get(&poll).await;
        let status = status["status"].as_str().expect("a status").to_string();
        statuses.push(status.clone());
        if status != "InProgress" {
            break;
        }
    }
    assert_eq!(statuses, ["InProgress", "InProgress", "Succeeded"]);
    let view: InstanceView = client.get(&format!("{vm}/instanceView?{API}")).await;
    assert_eq!(view.power_state(), Some(PowerState::Deallocated));
}

#[tokio::test]
async fn throttling_answers_429_with_retry_after_then_recovers() {
    let sim = sim(Options {
        throttle: 2,
        retry_after: 3,
        ..Options::default()
    })
    .await;
    let client = Client::new(&sim);
    let url = client.url(&format!(
        "/providers/Microsoft.Compute/virtualMachines?{API}"
    ));
    for _ in 0..2 {
        let response = client.send(reqwest::Method::GET, &url).await;
        assert_eq!(response.status(), 429);
        assert_eq!(
            response
                .headers()
                .get("retry-after")
                .and_then(|value| value.to_str().ok()),
            Some("3")
        );
    }
    assert_eq!(client.send(reqwest::Method::GET, &url).await.status(), 200);
}

#[tokio::test]
async fn a_fail_rate_of_one_fails_every_request_with_an_arm_error() {
    let sim = sim(Options {
        fail_rate: 1.0,
        ..Options::default()
    })
    .await;
    let client = Client::new(&sim);
    let response = client
        .send(
            reqwest::Method::GET,
            &client.url(&format!(
                "/providers/Microsoft.Compute/virtualMachines?{API}"
            )),
        )
        .await;
    assert_eq!(response.status(), 500);
    let body: ArmError = response.json().await.expect("an ARM error body");
    assert_eq!(body.error.code, "InternalServerError");
}

#[tokio::test]
async fn requests_without_the_token_are_refused() {
    let sim = sim(Options::default()).await;
    let response = reqwest::Client::new()
        .get(format!(
            "{}/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines?{API}",
            sim.url()
        ))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn the_environment_points_at_the_simulator() {
    let sim = sim(Options::default()).await;
    let environment = sim.environment();
    let names: Vec<&str> = environment.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        [
            "AZLIN_ARM_ENDPOINT",
            "AZURE_SUBSCRIPTION_ID",
            "IDENTITY_ENDPOINT",
            "IDENTITY_HEADER"
        ]
    );
    let identity = &environment[2].1;
    let token: serde_json::Value = reqwest::Client::new()
        .get(format!(
            "{identity}?resource=https://management.azure.com/&api-version=2019-08-01"
        ))
        .header("X-IDENTITY-HEADER", &environment[3].1)
        .send()
        .await
        .expect("answers")
        .json()
        .await
        .expect("JSON");
    assert_eq!(token["access_token"], TOKEN);
}
