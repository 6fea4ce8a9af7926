//! Every official ARM example in `tests/fixtures/azure-arm` parses into the
//! client's models, with the values azlin reads. One test per file.

use azlin::azure::models::{
    AsyncOperation, GraphResponse, InstanceView, NetworkInterface, Page, PowerState,
    PublicIpAddress, ResourceId, VirtualMachine, VmSize,
};
use serde::de::DeserializeOwned;

fn example(file: &str) -> serde_json::Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/azure-arm")
        .join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("the example is JSON")
}

fn body<T: DeserializeOwned>(file: &str, status: &str) -> T {
    let body = example(file)["responses"][status]["body"].clone();
    assert!(!body.is_null(), "{file} has no {status} body");
    serde_json::from_value(body).unwrap_or_else(|error| panic!("{file} {status}: {error}"))
}

fn polling(file: &str) -> AsyncOperation {
    let example = example(file);
    let headers = example["responses"]["202"]["headers"]
        .as_object()
        .expect("202 headers");
    AsyncOperation::from_headers(
        headers
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str().unwrap_or_default())),
    )
}

#[test]
fn vm_list_by_resource_group() {
    let page: Page<VirtualMachine> = body("VirtualMachine_List_MinimumSet_Gen.json", "200");
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.next_link, None);
    let id = ResourceId::parse(&page.value[0].id).expect("a VM id");
    assert_eq!(id.resource_group, "rgcompute");
    assert_eq!(page.value[0].location, "eastus");
}

#[test]
fn vm_list_all() {
    let page: Page<VirtualMachine> = body("VirtualMachine_ListAll_MinimumSet_Gen.json", "200");
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[1].name(), "{virtualMachineName}");
}

#[test]
fn vm_list_by_location() {
    let page: Page<VirtualMachine> =
        body("VirtualMachine_ListBySubscription_ByLocation.json", "200");
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[0].size(), Some("Standard_A0"));
    assert_eq!(page.value[0].os_type(), Some("Windows"));
}

#[test]
fn vm_get() {
    let vm: VirtualMachine = body("VirtualMachine_Get.json", "200");
    assert_eq!(vm.name(), "myVM");
    assert_eq!(vm.location, "West US");
    assert_eq!(vm.size(), Some("Standard_DS3_v2"));
    assert_eq!(vm.os_type(), Some("Windows"));
    assert_eq!(vm.tags.get("myTag1").map(String::as_str), Some("tagValue1"));
    assert_eq!(vm.nic_ids().count(), 1);
    assert_eq!(vm.power_state(), None, "a plain GET has no instance view");
}

#[test]
fn vm_instance_view() {
    let view: InstanceView = body("VirtualMachine_Get_InstanceView.json", "200");
    assert_eq!(view.power_state(), Some(PowerState::Running));
    assert_eq!(view.computer_name.as_deref(), Some("myVM"));
}

#[test]
fn vm_create_with_ssh_authentication() {
    let created: VirtualMachine = body("VirtualMachine_Create_WithSshAuthentication.json", "201");
    assert_eq!(created.name(), "myVM");
    assert_eq!(created.size(), Some("Standard_D1_v2"));
    let provisioning = created
        .properties
        .as_ref()
        .and_then(|properties| properties.provisioning_state.as_deref());
    assert_eq!(provisioning, Some("Creating"));
    let _: VirtualMachine = body("VirtualMachine_Create_WithSshAuthentication.json", "200");
}

#[test]
fn vm_update() {
    let updated: VirtualMachine = body("VirtualMachine_Update_ForceDetachDataDisk.json", "200");
    assert_eq!(updated.size(), Some("Standard_D2_v2"));
}

#[test]
fn vm_start_is_polled_at_its_location() {
    assert_eq!(
        polling("VirtualMachine_Start_MinimumSet_Gen.json").poll_url(),
        Some("https://foo.com/operationstatus")
    );
}

#[test]
fn vm_power_off_is_polled_at_its_location() {
    assert_eq!(
        polling("VirtualMachine_PowerOff_MinimumSet_Gen.json").poll_url(),
        Some("https://foo.com/operationstatus")
    );
}

#[test]
fn vm_deallocate_is_polled_at_its_location() {
    assert_eq!(
        polling("VirtualMachine_Deallocate_MinimumSet_Gen.json").poll_url(),
        Some("https://foo.com/operationstatus")
    );
}

#[test]
fn vm_restart_is_polled_at_its_location() {
    assert_eq!(
        polling("VirtualMachine_Restart_MinimumSet_Gen.json").poll_url(),
        Some("https://foo.com/operationstatus")
    );
}

#[test]
fn vm_delete_is_polled_at_its_capitalised_location() {
    let operation = polling("VirtualMachine_Delete_Force.json");
    let url = operation.poll_url().expect("a Location header");
    assert!(
        url.starts_with("https://management.azure.com/subscriptions/"),
        "{url}"
    );
}

#[test]
fn vm_sizes() {
    let page: Page<VmSize> = body("VirtualMachineSizes_List_MaximumSet_Gen.json", "200");
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.value[1].name, "Standard_A2_V2");
    assert_eq!(page.value[1].number_of_cores, Some(2));
    assert_eq!(page.value[1].memory_in_mb, Some(4096));
}

#[test]
fn network_interface_list() {
    let page: Page<NetworkInterface> = body("NetworkInterfaceList.json", "200");
    assert_eq!(page.value.len(), 2);
    let first = &page.value[0];
    let vm = first
        .properties
        .virtual_machine
        .as_ref()
        .expect("attached to a VM");
    assert_eq!(
        ResourceId::parse(&vm.id).map(|id| id.name).as_deref(),
        Some("vm1")
    );
    let ip = first
        .primary_ip_configuration()
        .expect("an IP configuration");
    assert_eq!(ip.private_ip_address.as_deref(), Some("172.20.2.4"));
    assert!(
        ip.public_ip_address
            .as_ref()
            .is_some_and(|pip| pip.id.ends_with("/publicIPAddresses/test-ip"))
    );
    assert_eq!(page.value[1].properties.virtual_machine, None);
}

#[test]
fn network_interface_create() {
    let created: NetworkInterface = body("NetworkInterfaceCreate.json", "201");
    assert_eq!(created.name.as_deref(), Some("test-nic"));
    let ip = created
        .primary_ip_configuration()
        .expect("an IP configuration");
    assert_eq!(ip.private_ip_address.as_deref(), Some("172.20.2.4"));
}

#[test]
fn public_ip_address_list() {
    let page: Page<PublicIpAddress> = body("PublicIpAddressList.json", "200");
    let addresses: Vec<Option<&str>> = page
        .value
        .iter()
        .map(|pip| pip.properties.ip_address.as_deref())
        .collect();
    assert_eq!(
        addresses,
        [None, Some("40.85.154.247"), Some("40.85.154.248")]
    );
}

#[test]
fn public_ip_address_create_defaults() {
    let created: PublicIpAddress = body("PublicIpAddressCreateDefaults.json", "201");
    assert_eq!(created.name.as_deref(), Some("testDNS-ip"));
    assert_eq!(created.properties.ip_address, None, "not allocated yet");
}

#[test]
fn resource_graph_basic_query() {
    let response: GraphResponse = body("ResourcesBasicQuery.json", "200");
    assert_eq!((response.total_records, response.count), (3, 3));
    assert_eq!(response.skip_token, None);
    assert_eq!(response.data.as_array().map(Vec::len), Some(3));
}

#[test]
fn resource_graph_next_page_query() {
    let response: GraphResponse = body("ResourcesNextPageQuery.json", "200");
    assert_eq!(response.total_records, 386);
    assert!(
        response
            .skip_token
            .as_deref()
            .is_some_and(|token| token.starts_with("eyAibm8y"))
    );
}
