//! Creates and deletes through the router, as a client sends them.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::{Options, SUBSCRIPTION, State, TOKEN, routes};

/// The router over a fresh simulator.
struct Client {
    state: Arc<State>,
}

/// A response: status, `Azure-AsyncOperation` path (if any) and JSON body (or null).
struct Answer {
    status: StatusCode,
    poller: Option<String>,
    location: Option<String>,
    body: Value,
}

impl Client {
    fn new(options: Options) -> Self {
        Self {
            state: Arc::new(State::new(options)),
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "sim")
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .body(body.map_or_else(Body::empty, |body| Body::from(body.to_string())))
            .expect("a request");
        let response = routes::router(self.state.clone())
            .oneshot(request)
            .await
            .expect("a response");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|value| value.to_str().ok())
                .map(|url| url.trim_start_matches("http://sim").to_string())
        };
        let (poller, location) = (header("azure-asyncoperation"), header("location"));
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("a body");
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Answer {
            status,
            poller,
            location,
            body,
        }
    }

    async fn arm(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.send(
            method,
            &format!("/subscriptions/{SUBSCRIPTION}{path}"),
            body,
        )
        .await
    }

    /// Polls `answer`'s operation until it says `Succeeded`; the polls it took.
    async fn complete(&self, answer: &Answer) -> usize {
        let poller = answer.poller.as_deref().expect("an Azure-AsyncOperation");
        for polls in 1..=10 {
            let status = self.send(Method::GET, poller, None).await.body["status"].clone();
            if status == "Succeeded" {
                return polls;
            }
            assert_eq!(status, "InProgress");
        }
        panic!("{poller} never succeeded");
    }

    async fn resources(&self) -> Vec<String> {
        let ids = self.send(Method::GET, "/_sim/resources", None).await.body;
        serde_json::from_value(ids).expect("an array of ids")
    }

    fn count(&self, operation: &str) -> u64 {
        self.state.counts().get(operation).copied().unwrap_or(0)
    }
}

fn rg(group: &str, kind: &str, name: &str) -> String {
    format!("/resourceGroups/{group}/providers/{kind}/{name}")
}

fn full_id(group: &str, kind: &str, name: &str) -> String {
    format!("/subscriptions/{SUBSCRIPTION}{}", rg(group, kind, name))
}

const PIP: &str = "Microsoft.Network/publicIPAddresses";
const NIC: &str = "Microsoft.Network/networkInterfaces";
const VM: &str = "Microsoft.Compute/virtualMachines";
const DISK: &str = "Microsoft.Compute/disks";

fn vm_body(nic: &str, size: &str, location: &str, key: &str) -> Value {
    json!({
        "location": location,
        "tags": { "azlin-session": "new" },
        "properties": {
            "hardwareProfile": { "vmSize": size },
            "storageProfile": {
                "imageReference": {
                    "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"
                }
            },
            "osProfile": {
                "computerName": "made",
                "adminUsername": "azureuser",
                "customData": "I2Nsb3VkLWNvbmZpZwo=",
                "linuxConfiguration": {
                    "disablePasswordAuthentication": true,
                    "ssh": { "publicKeys": [ { "path": "/home/azureuser/.ssh/authorized_keys", "keyData": key } ] }
                }
            },
            "networkProfile": { "networkInterfaces": [ { "id": nic } ] }
        }
    })
}

/// Creates public IP `{name}-ip`, NIC `{name}-nic` and VM `name` in `group`,
/// completing each operation; the VM's create answer.
async fn create_vm(client: &Client, group: &str, name: &str, key: &str) -> Answer {
    let pip = client
        .arm(
            Method::PUT,
            &rg(group, PIP, &format!("{name}-ip")),
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(pip.status, StatusCode::CREATED, "{}", pip.body);
    client.complete(&pip).await;
    let nic_body = json!({
        "location": "eastus",
        "properties": { "ipConfigurations": [ {
            "name": "ipconfig1",
            "properties": { "publicIPAddress": { "id": pip.body["id"] } }
        } ] }
    });
    let nic = client
        .arm(
            Method::PUT,
            &rg(group, NIC, &format!("{name}-nic")),
            Some(nic_body),
        )
        .await;
    assert_eq!(nic.status, StatusCode::CREATED, "{}", nic.body);
    client.complete(&nic).await;
    let nic_id = nic.body["id"].as_str().expect("a NIC id");
    let vm = client
        .arm(
            Method::PUT,
            &rg(group, VM, name),
            Some(vm_body(nic_id, "Standard_D2s_v5", "eastus", key)),
        )
        .await;
    assert_eq!(vm.status, StatusCode::CREATED, "{}", vm.body);
    vm
}

#[tokio::test]
async fn a_vm_created_on_a_new_nic_and_ip_shows_everywhere_once_its_operation_succeeds() {
    let client = Client::new(Options {
        vms: 3,
        ..Options::default()
    });
    let group = client
        .arm(
            Method::PUT,
            "/resourcegroups/made",
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(group.status, StatusCode::CREATED);
    assert_eq!(
        group.body,
        json!({
            "id": format!("/subscriptions/{SUBSCRIPTION}/resourceGroups/made"),
            "name": "made",
            "type": "Microsoft.Resources/resourceGroups",
            "location": "eastus",
            "properties": { "provisioningState": "Succeeded" }
        })
    );
    let again = client
        .arm(
            Method::PUT,
            "/resourceGroups/MADE",
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let empty = client
        .arm(
            Method::GET,
            &format!("/resourceGroups/made/providers/{VM}"),
            None,
        )
        .await;
    assert_eq!(empty.body["value"], json!([]), "an empty group exists");

    let vm = create_vm(&client, "made", "new-vm", "ssh-ed25519 AAAAkey one").await;
    assert_eq!(vm.body["properties"]["provisioningState"], "Creating");
    assert_eq!(
        vm.body["properties"]["osProfile"]["adminUsername"],
        "azureuser"
    );
    assert!(
        vm.body["properties"]["osProfile"]
            .get("customData")
            .is_none()
    );
    let path = rg("made", VM, "new-vm");
    let pending = client.arm(Method::GET, &path, None).await;
    assert_eq!(pending.body["properties"]["provisioningState"], "Creating");
    assert_eq!(
        client.complete(&vm).await,
        2,
        "one InProgress, then Succeeded"
    );
    let done = client.arm(Method::GET, &path, None).await;
    assert_eq!(done.status, StatusCode::OK);
    assert_eq!(done.body["properties"]["provisioningState"], "Succeeded");
    assert_eq!(done.body["tags"]["azlin-session"], "new");
    let disk = done.body["properties"]["storageProfile"]["osDisk"]["managedDisk"]["id"]
        .as_str()
        .expect("a disk id")
        .to_string();
    let view = client
        .arm(Method::GET, &format!("{path}/instanceView"), None)
        .await;
    assert_eq!(view.body["statuses"][1]["code"], "PowerState/running");

    let by_group = client
        .arm(
            Method::GET,
            &format!("/resourceGroups/made/providers/{VM}"),
            None,
        )
        .await;
    assert_eq!(by_group.body["value"][0]["name"], "new-vm");
    let all = client
        .arm(Method::GET, &format!("/providers/{VM}"), None)
        .await;
    let names: Vec<&str> = all.body["value"]
        .as_array()
        .expect("VMs")
        .iter()
        .filter_map(|vm| vm["name"].as_str())
        .collect();
    assert_eq!(names, ["vm-0000", "vm-0001", "vm-0002", "new-vm"]);

    let nics = client
        .arm(
            Method::GET,
            &format!("/resourceGroups/made/providers/{NIC}"),
            None,
        )
        .await;
    let nic = &nics.body["value"][0];
    assert_eq!(
        nic["properties"]["virtualMachine"]["id"],
        full_id("made", VM, "new-vm")
    );
    let private =
        nic["properties"]["ipConfigurations"][0]["properties"]["privateIPAddress"].clone();
    let pips = client
        .arm(
            Method::GET,
            &format!("/resourceGroups/made/providers/{PIP}"),
            None,
        )
        .await;
    let public = pips.body["value"][0]["properties"]["ipAddress"].clone();
    let made = client
        .state
        .fleet()
        .into_iter()
        .find(|vm| vm.name == "new-vm")
        .expect("in the fleet");
    assert_eq!(json!(made.private_ip), private);
    assert_eq!(made.public_ip.map(Value::from), Some(public));

    let got = client
        .arm(
            Method::GET,
            &rg("made", DISK, disk.rsplit('/').next().unwrap_or_default()),
            None,
        )
        .await;
    assert_eq!(got.body["id"], disk);
    assert_eq!(got.body["properties"]["diskState"], "Attached");
    for operation in [
        "group.create",
        "pip.create",
        "nic.create",
        "vm.create",
        "disk.get",
    ] {
        assert_eq!(
            client.count(operation),
            if operation == "group.create" { 2 } else { 1 },
            "{operation}"
        );
    }
}

#[tokio::test]
async fn creates_are_refused_with_arms_codes() {
    let client = Client::new(Options {
        vms: 2,
        ..Options::default()
    });
    let nic = full_id("rg-0", NIC, "vm-0000-nic");
    let refusals = [
        (
            rg("rg-0", VM, "x"),
            vm_body(&nic, "Standard_Foo", "eastus", "k"),
            StatusCode::CONFLICT,
            "SkuNotAvailable",
            "Standard_Foo' is currently not available in location 'eastus'",
        ),
        (
            rg("rg-0", VM, "x"),
            vm_body(&nic, "Standard_D2s_v5", "mars", "k"),
            StatusCode::BAD_REQUEST,
            "LocationNotAvailableForResourceType",
            "The provided location 'mars' is not available for resource type 'Microsoft.Compute/virtualMachines'",
        ),
        (
            rg("rg-0", VM, "x"),
            vm_body(
                &full_id("rg-0", NIC, "nope"),
                "Standard_D2s_v5",
                "eastus",
                "k",
            ),
            StatusCode::BAD_REQUEST,
            "InvalidResourceReference",
            "networkInterfaces/nope referenced by resource",
        ),
        (
            rg("rg-0", VM, "x"),
            vm_body(&nic, "Standard_D2s_v5", "eastus", "k"),
            StatusCode::BAD_REQUEST,
            "NicInUse",
            "vm-0000-nic is used by existing resource",
        ),
        (
            rg("rg-0", VM, "VM-0001"),
            vm_body(&nic, "Standard_D2s_v5", "eastus", "k"),
            StatusCode::CONFLICT,
            "OperationNotAllowed",
            "does not update",
        ),
        (
            rg("nowhere", VM, "x"),
            vm_body(&nic, "Standard_D2s_v5", "eastus", "k"),
            StatusCode::NOT_FOUND,
            "ResourceGroupNotFound",
            "Resource group 'nowhere' could not be found.",
        ),
        (
            rg("rg-0", VM, "x"),
            json!({ "location": "eastus", "properties": { "hardwareProfile": { "vmSize": "Standard_D2s_v5" } } }),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "'properties.storageProfile.imageReference'",
        ),
        (
            rg("rg-0", NIC, "n"),
            json!({ "location": "eastus", "properties": { "ipConfigurations": [
                { "name": "c", "properties": { "publicIPAddress": { "id": full_id("rg-0", PIP, "vm-0000-ip") } } }
            ] } }),
            StatusCode::BAD_REQUEST,
            "PublicIPAddressInUse",
            "vm-0000-ip referenced by resource",
        ),
        (
            rg("rg-0", PIP, "p"),
            json!({ "sku": {} }),
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            "'location'",
        ),
        (
            "/resourcegroups/g".into(),
            json!({ "location": "mars" }),
            StatusCode::BAD_REQUEST,
            "LocationNotAvailableForResourceGroup",
            "'mars'",
        ),
    ];
    for (path, body, status, code, message) in refusals {
        let answer = client.arm(Method::PUT, &path, Some(body)).await;
        assert_eq!(answer.status, status, "{path}: {}", answer.body);
        assert_eq!(answer.body["error"]["code"], code, "{path}");
        let text = answer.body["error"]["message"].as_str().unwrap_or_default();
        assert!(text.contains(message), "{path}: {text}");
    }
    let malformed = client
        .send(
            Method::PUT,
            &format!("/subscriptions/{SUBSCRIPTION}{}", rg("rg-0", PIP, "p")),
            None,
        )
        .await;
    assert_eq!(malformed.body["error"]["code"], "InvalidRequestContent");
    let mut bad_data = vm_body(&nic, "Standard_D2s_v5", "eastus", "k");
    bad_data["properties"]["osProfile"]["customData"] = json!("#cloud-config");
    let refused = client
        .arm(Method::PUT, &rg("rg-0", VM, "x"), Some(bad_data))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Base64")
    );
    assert_eq!(client.state.fleet().len(), 2, "nothing was made");
    assert_eq!(
        client.resources().await.len(),
        2 * 3 + 1,
        "2 VMs, NICs and disks, 1 IP"
    );
}

#[tokio::test]
async fn delete_leaves_the_nic_ip_and_disk_and_each_goes_once_unused() {
    let client = Client::new(Options {
        vms: 2,
        ..Options::default()
    });
    let ids = [
        full_id("rg-0", NIC, "vm-0000-nic"),
        full_id("rg-0", PIP, "vm-0000-ip"),
        full_id("rg-0", DISK, "vm-0000_OsDisk"),
    ];
    let vm = client
        .arm(
            Method::DELETE,
            &format!("{}?forceDeletion=true", rg("rg-0", VM, "vm-0000")),
            None,
        )
        .await;
    assert_eq!(vm.status, StatusCode::ACCEPTED);
    assert_eq!(vm.location, vm.poller);
    let nic_path = rg("rg-0", NIC, "vm-0000-nic");
    let early = client.arm(Method::DELETE, &nic_path, None).await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        early.body["error"]["code"], "NicInUse",
        "the VM is still deleting"
    );
    client.complete(&vm).await;

    let left = client.resources().await;
    assert!(!left.contains(&full_id("rg-0", VM, "vm-0000")), "{left:?}");
    for id in &ids {
        assert!(left.contains(id), "{id} stays: {left:?}");
    }
    let nics = client
        .arm(Method::GET, &format!("/providers/{NIC}"), None)
        .await;
    let orphan = &nics.body["value"][0];
    assert_eq!(orphan["name"], "vm-0000-nic");
    assert!(orphan["properties"].get("virtualMachine").is_none());
    let pips = client
        .arm(Method::GET, &format!("/providers/{PIP}"), None)
        .await;
    assert_eq!(pips.body["value"][0]["name"], "vm-0000-ip");

    let pip_path = rg("rg-0", PIP, "vm-0000-ip");
    let pip_early = client.arm(Method::DELETE, &pip_path, None).await;
    assert_eq!(
        pip_early.body["error"]["code"],
        "PublicIPAddressCannotBeDeleted"
    );
    let attached = client
        .arm(Method::DELETE, &rg("rg-0", DISK, "vm-0001_OsDisk"), None)
        .await;
    assert_eq!(attached.status, StatusCode::CONFLICT);
    assert_eq!(attached.body["error"]["code"], "OperationNotAllowed");

    let nic = client.arm(Method::DELETE, &nic_path, None).await;
    assert_eq!(nic.status, StatusCode::ACCEPTED, "{}", nic.body);
    client.complete(&nic).await;
    let pip = client.arm(Method::DELETE, &pip_path, None).await;
    assert_eq!(pip.status, StatusCode::ACCEPTED, "{}", pip.body);
    let disk = client
        .arm(Method::DELETE, &rg("rg-0", DISK, "vm-0000_OsDisk"), None)
        .await;
    assert_eq!(disk.status, StatusCode::ACCEPTED, "{}", disk.body);
    client.complete(&pip).await;
    client.complete(&disk).await;
    let left = client.resources().await;
    assert!(left.iter().all(|id| !id.contains("vm-0000")), "{left:?}");
    assert_eq!(left.len(), 3, "vm-0001 and its NIC and disk: {left:?}");

    for kind in [VM, NIC, PIP, DISK] {
        let gone = client
            .arm(Method::DELETE, &rg("rg-0", kind, "vm-0000"), None)
            .await;
        assert_eq!(gone.status, StatusCode::NO_CONTENT, "{kind}");
    }
    assert_eq!(client.count("vm.delete"), 2);
    assert_eq!(client.count("nic.delete"), 3);
    assert_eq!(client.count("pip.delete"), 3);
    assert_eq!(client.count("disk.delete"), 3);
}

#[tokio::test]
async fn created_vms_take_the_spare_addresses_in_order_and_their_keys_are_authorized() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let keys = dir.path().join("authorized_keys");
    std::fs::write(&keys, "ssh-ed25519 AAAAfleet\n").expect("write the fleet's key");
    let client = Client::new(Options {
        vms: 1,
        spare_addresses: vec!["127.9.9.2".into(), "127.9.9.3".into()],
        authorized_keys: Some(keys.clone()),
        ..Options::default()
    });
    for (i, name) in ["a", "b", "c"].iter().enumerate() {
        let vm = create_vm(&client, "rg-0", name, &format!("ssh-ed25519 AAAA{i}")).await;
        client.complete(&vm).await;
    }
    let addresses: Vec<(String, Option<String>)> = client
        .state
        .fleet()
        .into_iter()
        .skip(1)
        .map(|vm| (vm.private_ip, vm.public_ip))
        .collect();
    assert_eq!(addresses[0], ("127.9.9.2".into(), Some("127.9.9.2".into())));
    assert_eq!(addresses[1], ("127.9.9.3".into(), Some("127.9.9.3".into())));
    assert!(addresses[2].0.starts_with("10.128."), "{:?}", addresses[2]);
    assert!(
        addresses[2]
            .1
            .as_deref()
            .is_some_and(|ip| ip.starts_with("20.128."))
    );
    assert_eq!(
        std::fs::read_to_string(&keys).expect("the keys"),
        "ssh-ed25519 AAAAfleet\nssh-ed25519 AAAA0\nssh-ed25519 AAAA1\nssh-ed25519 AAAA2\n"
    );
}

#[tokio::test]
async fn a_bare_subscriptions_path_and_a_virtual_network_put_get_arm_answers() {
    let client = Client::new(Options::default());
    let bare = client.send(Method::GET, "/subscriptions", None).await;
    assert_eq!(bare.status, StatusCode::NOT_FOUND);
    assert_eq!(bare.body["error"]["code"], "InvalidResourceType");
    let path = "/resourceGroups/rg-0/providers/Microsoft.Network/virtualNetworks/azlin-vnet";
    let body = json!({ "location": "eastus", "properties": { "subnets": [] } });
    let first = client.arm(Method::PUT, path, Some(body.clone())).await;
    assert_eq!(first.status, StatusCode::CREATED);
    assert_eq!(first.body["properties"]["provisioningState"], "Succeeded");
    assert!(
        first.body["id"]
            .as_str()
            .is_some_and(|id| id.ends_with("/virtualNetworks/azlin-vnet"))
    );
    let again = client.arm(Method::PUT, path, Some(body)).await;
    assert_eq!(again.status, StatusCode::OK, "a network PUT is idempotent");
}
