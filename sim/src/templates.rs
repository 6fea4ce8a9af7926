//! JSON bodies built from the official ARM examples (tests/fixtures/azure-arm):
//! each resource starts as an example's body with azlin's values written in,
//! so the simulator speaks exactly the shapes Azure does and shares no model
//! types with the client.

use serde_json::{Value, json};

use crate::resources::{
    DISK_TYPE, Group, NIC_TYPE, Nic, PIP_TYPE, Provisioning, Resources, VM_TYPE, Vm, id,
};

const VM_GET: &str = include_str!("../../tests/fixtures/azure-arm/VirtualMachine_Get.json");
const INSTANCE_VIEW: &str =
    include_str!("../../tests/fixtures/azure-arm/VirtualMachine_Get_InstanceView.json");
const NIC_LIST: &str = include_str!("../../tests/fixtures/azure-arm/NetworkInterfaceList.json");
const PIP_LIST: &str = include_str!("../../tests/fixtures/azure-arm/PublicIpAddressList.json");
const NIC_CREATE: &str = include_str!("../../tests/fixtures/azure-arm/NetworkInterfaceCreate.json");
const PIP_CREATE: &str =
    include_str!("../../tests/fixtures/azure-arm/PublicIpAddressCreateDefaults.json");
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
    created_nic: Value,
    created_pip: Value,
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
            created_nic: created_nic(),
            created_pip: example_body(PIP_CREATE, "201"),
            sizes: example_body(SIZES, "200"),
        }
    }

    /// VM `slot`'s body; with `with_status` its instance view too (`statusOnly=true`).
    pub fn vm(
        &self,
        resources: &Resources,
        slot: usize,
        subscription: &str,
        with_status: bool,
    ) -> Option<Value> {
        let vm = resources.vms.get(slot)?;
        let mut body = self.vm.clone();
        body["id"] = json!(id(subscription, &vm.resource_group, VM_TYPE, &vm.name));
        body["name"] = json!(vm.name);
        body["location"] = json!(vm.location);
        body["tags"] = json!(vm.tags);
        let properties = &mut body["properties"];
        properties["vmId"] = json!(format!("00000000-0000-4000-8000-{slot:012}"));
        properties["hardwareProfile"]["vmSize"] = json!(vm.size);
        let os_disk = &mut properties["storageProfile"]["osDisk"];
        os_disk["osType"] = json!("Linux");
        if let Some(disk) = resources.disks.get(vm.os_disk) {
            os_disk["name"] = json!(disk.name);
            os_disk["managedDisk"]["id"] = json!(id(
                subscription,
                &disk.resource_group,
                DISK_TYPE,
                &disk.name
            ));
        }
        properties["storageProfile"]["imageReference"] = match &vm.profile {
            Some(profile) => profile.image.clone(),
            None => json!({
                "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"
            }),
        };
        properties["storageProfile"]["dataDisks"] = vm
            .data_disks
            .iter()
            .filter_map(|(lun, slot)| {
                let disk = resources.disks.get(*slot)?;
                Some(json!({
                    "lun": lun,
                    "name": disk.name,
                    "createOption": "Empty",
                    "diskSizeGB": disk.size_gb,
                    "managedDisk": {
                        "id": id(subscription, &disk.resource_group, DISK_TYPE, &disk.name),
                        "storageAccountType": "Premium_LRS"
                    }
                }))
            })
            .collect();
        if let Some(profile) = &vm.profile {
            properties["osProfile"] = profile.os.clone();
        }
        let nic = resources.nics.get(vm.nic).map_or_else(String::new, |nic| {
            id(subscription, &nic.resource_group, NIC_TYPE, &nic.name)
        });
        properties["networkProfile"] = json!({ "networkInterfaces": [ { "id": nic } ] });
        properties["provisioningState"] = json!(vm.provisioning.as_str());
        if with_status {
            properties["instanceView"] = self.instance_view(vm);
        }
        Some(body)
    }

    /// The VM's instance view, with its current power and provisioning state.
    pub fn instance_view(&self, vm: &Vm) -> Value {
        let code = vm.power.as_str();
        let mut view = self.instance_view.clone();
        let computer = vm
            .profile
            .as_ref()
            .and_then(|profile| profile.os["computerName"].as_str())
            .unwrap_or(&vm.name);
        view["computerName"] = json!(computer);
        view["osName"] = json!("ubuntu");
        view["osVersion"] = json!("24.04");
        let provisioning = match vm.provisioning {
            Provisioning::Succeeded => "Provisioning succeeded",
            other => other.as_str(),
        };
        view["statuses"] = json!([
            {
                "code": format!("ProvisioningState/{}", vm.provisioning.as_str().to_ascii_lowercase()),
                "level": "Info",
                "displayStatus": provisioning
            },
            { "code": code, "level": "Info", "displayStatus": display(code) },
        ]);
        view
    }

    /// NIC `slot`'s body: the list example's for the fleet's, the create
    /// example's for created ones, with its addresses and attachments.
    pub fn nic(&self, resources: &Resources, slot: usize, subscription: &str) -> Option<Value> {
        let nic = resources.nics.get(slot)?;
        let nic_id = id(subscription, &nic.resource_group, NIC_TYPE, &nic.name);
        let mut body = match nic.created {
            Some(_) => self.created_nic.clone(),
            None => self.nic.clone(),
        };
        body["id"] = json!(nic_id);
        body["name"] = json!(nic.name);
        body["location"] = json!(nic.location);
        body["properties"]["provisioningState"] = json!(nic.provisioning.as_str());
        let configuration = &mut body["properties"]["ipConfigurations"][0];
        configuration["id"] = json!(format!(
            "{nic_id}/ipConfigurations/{}",
            ip_configuration(nic)
        ));
        if let Some(created) = &nic.created {
            configuration["name"] = json!(created.ip_configuration);
            configuration["properties"]["provisioningState"] = json!(nic.provisioning.as_str());
        }
        configuration["properties"]["privateIPAddress"] = json!(nic.private_ip);
        let properties = configuration["properties"]
            .as_object_mut()
            .expect("ip configuration");
        match nic.public_ip.and_then(|pip| resources.pips.get(pip)) {
            Some(pip) => properties.insert(
                "publicIPAddress".into(),
                json!({ "id": id(subscription, &pip.resource_group, PIP_TYPE, &pip.name) }),
            ),
            None => properties.remove("publicIPAddress"),
        };
        if let Some(created) = &nic.created {
            match &created.subnet {
                Some(subnet) => properties.insert("subnet".into(), subnet.clone()),
                None => properties.remove("subnet"),
            };
        }
        let properties = body["properties"].as_object_mut().expect("NIC properties");
        match nic.vm.and_then(|vm| resources.vms.get(vm)) {
            Some(vm) => properties.insert(
                "virtualMachine".into(),
                json!({ "id": id(subscription, &vm.resource_group, VM_TYPE, &vm.name) }),
            ),
            None => properties.remove("virtualMachine"),
        };
        Some(body)
    }

    /// Public IP `slot`'s body: the list example's for the fleet's, the
    /// create example's for created ones, with its address and NIC.
    pub fn pip(&self, resources: &Resources, slot: usize, subscription: &str) -> Option<Value> {
        let pip = resources.pips.get(slot)?;
        let mut body = if pip.created {
            self.created_pip.clone()
        } else {
            self.pip.clone()
        };
        body["id"] = json!(id(subscription, &pip.resource_group, PIP_TYPE, &pip.name));
        body["name"] = json!(pip.name);
        body["location"] = json!(pip.location);
        let properties = body["properties"].as_object_mut().expect("IP properties");
        properties.insert("provisioningState".into(), json!(pip.provisioning.as_str()));
        match &pip.address {
            Some(address) => properties.insert("ipAddress".into(), json!(address)),
            None => properties.remove("ipAddress"),
        };
        match pip.nic.and_then(|nic| resources.nics.get(nic)) {
            Some(nic) => properties.insert(
                "ipConfiguration".into(),
                json!({ "id": format!(
                    "{}/ipConfigurations/{}",
                    id(subscription, &nic.resource_group, NIC_TYPE, &nic.name),
                    ip_configuration(nic)
                ) }),
            ),
            None => properties.remove("ipConfiguration"),
        };
        Some(body)
    }

    /// Disk `slot`'s body, `managedBy` its VM while attached.
    pub fn disk(&self, resources: &Resources, slot: usize, subscription: &str) -> Option<Value> {
        let disk = resources.disks.get(slot)?;
        let vm = disk.vm.and_then(|vm| resources.vms.get(vm));
        let mut body = json!({
            "id": id(subscription, &disk.resource_group, DISK_TYPE, &disk.name),
            "name": disk.name,
            "type": DISK_TYPE,
            "location": disk.location,
            "sku": { "name": "Premium_LRS", "tier": "Premium" },
            "properties": {
                "osType": "Linux",
                "diskSizeGB": disk.size_gb,
                "diskState": if vm.is_some() { "Attached" } else { "Unattached" },
                "provisioningState": disk.provisioning.as_str(),
            },
        });
        if let Some(vm) = vm {
            body["managedBy"] = json!(id(subscription, &vm.resource_group, VM_TYPE, &vm.name));
        }
        Some(body)
    }

    /// A resource group's body.
    pub fn group(&self, group: &Group, subscription: &str) -> Value {
        json!({
            "id": format!("/subscriptions/{subscription}/resourceGroups/{}", group.name),
            "name": group.name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": group.location,
            "properties": { "provisioningState": "Succeeded" },
        })
    }

    /// The VM sizes of a region: the example's sizes plus the ones the
    /// fleet uses and a few more.
    pub fn sizes(&self) -> Value {
        let mut sizes = self.sizes.clone();
        let list = sizes["value"].as_array_mut().expect("sizes list");
        for (name, cores, memory) in crate::fleet::SIZES
            .into_iter()
            .chain(crate::fleet::MORE_SIZES)
        {
            list.push(json!({
                "name": name, "numberOfCores": cores, "osDiskSizeInMB": 1047552,
                "resourceDiskSizeInMB": 0, "memoryInMB": memory, "maxDataDiskCount": 32
            }));
        }
        sizes
    }
}

/// The create example's NIC with only its first (primary) IP configuration.
fn created_nic() -> Value {
    let mut nic = example_body(NIC_CREATE, "201");
    nic["properties"]["ipConfigurations"]
        .as_array_mut()
        .expect("IP configurations")
        .truncate(1);
    nic
}

/// The name of a NIC's one IP configuration.
fn ip_configuration(nic: &Nic) -> &str {
    nic.created
        .as_ref()
        .map_or("ipconfig1", |created| created.ip_configuration.as_str())
}

fn display(code: &str) -> String {
    format!("VM {}", code.trim_start_matches("PowerState/"))
}
