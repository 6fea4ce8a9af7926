//! The ARM client against the simulated Azure: paging, retries on 429 and
//! 5xx within a bound, ARM errors, long-running operations, credentials.

use azlin::azure::models::{InstanceView, PowerState, VirtualMachine};
use azlin::azure::{AuthMethod, AzureError, Tokens};
use azlin_sim::{Options, SUBSCRIPTION, Sim};
use azlin_tests::sim::{client, fast_retries, start};
use std::time::Duration;

fn vms_path() -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01&statusOnly=true"
    )
}

#[tokio::test]
async fn a_list_follows_next_link_across_pages() {
    let sim = start(Options {
        vms: 250,
        page_size: 100,
        ..Options::default()
    })
    .await;
    let vms: Vec<VirtualMachine> = client(&sim, fast_retries())
        .list(&vms_path())
        .await
        .expect("list");
    assert_eq!(vms.len(), 250);
    assert!(vms.iter().all(|vm| vm.power_state().is_some()));
    assert_eq!(sim.state.counts().get("vm.listAll"), Some(&3));
}

#[tokio::test]
async fn throttling_is_waited_out_as_retry_after_says() {
    let sim = start(Options {
        throttle: 2,
        retry_after: 1,
        ..Options::default()
    })
    .await;
    let started = std::time::Instant::now();
    let vms: Vec<VirtualMachine> = client(&sim, fast_retries())
        .list(&vms_path())
        .await
        .expect("succeeds after 429s");
    assert_eq!(vms.len(), 10);
    assert_eq!(sim.state.counts().get("throttled"), Some(&2));
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After of 1 s was honoured twice"
    );
}

#[tokio::test]
async fn persistent_server_errors_give_up_within_the_bound() {
    let sim = start(Options {
        fail_rate: 1.0,
        ..Options::default()
    })
    .await;
    let error = client(&sim, fast_retries())
        .list::<VirtualMachine>(&vms_path())
        .await
        .expect_err("fails");
    match &error {
        AzureError::GaveUp { attempts, last, .. } => {
            assert_eq!(*attempts, 4);
            assert!(last.contains("500"), "{last}");
        }
        other => panic!("expected GaveUp, got {other:?}"),
    }
    assert!(
        error.to_string().contains("gave up after 4 attempts"),
        "{error}"
    );
    assert_eq!(sim.state.counts().get("failed"), Some(&4));
}

#[tokio::test]
async fn an_arm_error_is_returned_with_its_code_and_not_retried() {
    let sim = Sim::start(Options::default(), 0).await.expect("sim");
    let path = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/nope/providers/Microsoft.Compute/virtualMachines?api-version=2024-07-01"
    );
    let error = client(&sim, fast_retries())
        .list::<VirtualMachine>(&path)
        .await
        .expect_err("not found");
    assert!(error.is_not_found());
    assert!(
        error.to_string().contains("404 ResourceGroupNotFound"),
        "{error}"
    );
    assert_eq!(sim.state.counts().get("group.notFound"), Some(&1));
}

#[tokio::test]
async fn a_power_action_waits_for_its_long_running_operation() {
    let sim = start(Options {
        operation_polls: 2,
        ..Options::default()
    })
    .await;
    let client = client(&sim, fast_retries());
    let vm = format!(
        "/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-0/providers/Microsoft.Compute/virtualMachines/vm-0001"
    );
    client
        .run_operation(
            &format!("{vm}/deallocate?api-version=2024-07-01"),
            "vm-0001",
        )
        .await
        .expect("deallocates");
    assert_eq!(sim.state.counts().get("operation.poll"), Some(&3));
    let view: InstanceView = client
        .get(&format!("{vm}/instanceView?api-version=2024-07-01"))
        .await
        .expect("view");
    assert_eq!(view.power_state(), Some(PowerState::Deallocated));
}

#[tokio::test]
async fn with_no_usable_credential_the_error_lists_what_was_tried() {
    if std::env::var_os("AZURE_CLIENT_ID").is_some()
        || std::env::var_os("IDENTITY_ENDPOINT").is_some()
    {
        return;
    }
    let tokens = Tokens::new(
        AuthMethod::Auto,
        "https://management.azure.com/.default".into(),
        None,
    );
    let message = match tokens.token().await {
        Err(error @ AzureError::NoCredential { .. }) => error.to_string(),
        Err(other) => panic!("expected NoCredential, got {other}"),
        Ok(_) => return,
    };
    assert!(
        message.contains("service principal: AZURE_CLIENT_ID"),
        "{message}"
    );
    assert!(
        message.contains("workload identity: AZURE_FEDERATED_TOKEN_FILE"),
        "{message}"
    );
    assert!(
        message.contains("managed identity: IDENTITY_ENDPOINT"),
        "{message}"
    );
    assert!(message.contains("Azure CLI login"), "{message}");
    assert!(message.contains("hint: run `az login`"), "{message}");
}

#[test]
fn an_unknown_auth_method_is_named() {
    let error = AuthMethod::parse(Some("password"))
        .expect_err("refused")
        .to_string();
    assert!(error.contains("unknown auth_method 'password'"), "{error}");
}
