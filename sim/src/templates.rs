//! JSON bodies built from the official ARM examples (tests/fixtures/azure-arm):
//! each resource starts as an example's body with azlin's values written in,
//! so the simulator speaks exactly the shapes Azure does and shares no model
//! types with the client.

use serde_json::{Value, json};

const VM_GET: &str = include_str!("../../tests/fixtures/azure-arm/VirtualMachine_Get.json");
const INSTANCE_VIEW: &str =
    include_str!("../../tests/fixtures/azure-arm/VirtualMachine_Get_InstanceView.json");
const NIC_LIST: &str = include_str!("../../tests/fixtures/azure-arm/NetworkInterfaceList.json");
const PIP_LIST: &str = include_str!("../../tests/fixtures/azure-arm/PublicIpAddressList.json");
const SIZES: &str =
    include_str!("../../tests/fixtures/azure-arm/VirtualMachineSizes_List_MaximumSet_Gen.json");

/// The `status` body of an example's response.
fn example_body(example: &str, status: &str) -> Value {
    let parsed: Value = serde_json::from_str(example).expect("the bundled examples are JSON");
    parsed["responses"][status]["body"].clone()
}

/// Templates parsed once.
pub struct Templates {
    vm: Value,
    instance_view: Value,
    nic: Value,
    pip: Value,
    sizes: Value,
}

impl Templates {
    /// Parses the bundled examples.
    pub fn load() -> Self {
        let mut vm = example_body(VM_GET, "200");
        vm["properties"]
            .as_object_mut()
            .expect("VM properties")
            .retain(|key, _| {
                [
                    "vmId",
                    "hardwareProfile",
                    "storageProfile",
                    "osProfile",
                    "networkProfile",
                    "provisioningState",
                ]
                .contains(&key.as_str())
            });
        Self {
            vm,
            instance_view: example_body(INSTANCE_VIEW, "200"),
            nic: example_body(NIC_LIST, "200")["value"][0].clone(),
            pip: example_body(PIP_LIST, "200")["value"][1].clone(),
            sizes: example_body(SIZES, "200"),
        }
    }

    /// A VM body; with `with_status` its instance view too (`statusOnly=true`).
    pub fn vm(&self, vm: &super::fleet::SimVm, subscription: &str, with_status: bool) -> Value {
        let mut body = self.vm.clone();
        body["id"] = json!(vm.id(subscription));
        body["name"] = json!(vm.name);
        body["location"] = json!(vm.location);
        body["tags"] = json!(vm.tags);
        let properties = &mut body["properties"];
        properties["vmId"] = json!(format!("00000000-0000-4000-8000-{:012}", vm.index));
        properties["hardwareProfile"]["vmSize"] = json!(vm.size);
        properties["storageProfile"]["osDisk"]["osType"] = json!("Linux");
        properties["storageProfile"]["osDisk"]["name"] = json!(format!("{}_OsDisk", vm.name));
        properties["storageProfile"]["imageReference"] = json!({
            "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"
        });
        properties["storageProfile"]["dataDisks"] = json!([]);
        properties["networkProfile"] =
            json!({ "networkInterfaces": [ { "id": vm.nic_id(subscription) } ] });
        if with_status {
            properties["instanceView"] = self.instance_view(vm);
        }
        body
    }

    /// The VM's instance view, with its current power state.
    pub fn instance_view(&self, vm: &super::fleet::SimVm) -> Value {
        let code = vm.power.as_str();
        let mut view = self.instance_view.clone();
        view["computerName"] = json!(vm.name);
        view["osName"] = json!("ubuntu");
        view["osVersion"] = json!("24.04");
        view["statuses"] = json!([
            { "code": "ProvisioningState/succeeded", "level": "Info", "displayStatus": "Provisioning succeeded" },
            { "code": code, "level": "Info", "displayStatus": display(code) },
        ]);
        view
    }

    /// The VM's NIC, with its private address and public IP reference.
    pub fn nic(&self, vm: &super::fleet::SimVm, subscription: &str) -> Value {
        let mut body = self.nic.clone();
        body["id"] = json!(vm.nic_id(subscription));
        body["name"] = json!(format!("{}-nic", vm.name));
        body["location"] = json!(vm.location);
        let configuration = &mut body["properties"]["ipConfigurations"][0];
        configuration["id"] = json!(format!(
            "{}/ipConfigurations/ipconfig1",
            vm.nic_id(subscription)
        ));
        configuration["properties"]["privateIPAddress"] = json!(vm.private_ip);
        let properties = configuration["properties"]
            .as_object_mut()
            .expect("ip configuration");
        match vm.public_ip {
            Some(_) => properties.insert(
                "publicIPAddress".into(),
                json!({ "id": vm.pip_id(subscription) }),
            ),
            None => properties.remove("publicIPAddress"),
        };
        body["properties"]["virtualMachine"] = json!({ "id": vm.id(subscription) });
        body
    }

    /// The VM's public IP, if it has one.
    pub fn pip(&self, vm: &super::fleet::SimVm, subscription: &str) -> Option<Value> {
        let address = vm.public_ip.as_ref()?;
        let mut body = self.pip.clone();
        body["id"] = json!(vm.pip_id(subscription));
        body["name"] = json!(format!("{}-ip", vm.name));
        body["location"] = json!(vm.location);
        body["properties"]["ipAddress"] = json!(address);
        body["properties"]["ipConfiguration"] =
            json!({ "id": format!("{}/ipConfigurations/ipconfig1", vm.nic_id(subscription)) });
        Some(body)
    }

    /// The VM sizes of a region: the example's sizes plus the ones the fleet uses.
    pub fn sizes(&self) -> Value {
        let mut sizes = self.sizes.clone();
        let list = sizes["value"].as_array_mut().expect("sizes list");
        for (name, cores, memory) in super::fleet::SIZES {
            list.push(json!({
                "name": name, "numberOfCores": cores, "osDiskSizeInMB": 1047552,
                "resourceDiskSizeInMB": 0, "memoryInMB": memory, "maxDataDiskCount": 32
            }));
        }
        sizes
    }
}

fn display(code: &str) -> String {
    format!("VM {}", code.trim_start_matches("PowerState/"))
}
