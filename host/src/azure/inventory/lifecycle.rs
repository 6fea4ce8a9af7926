//! Creating and deleting VMs: `new` PUTs a virtual network (once per
//! resource group), a public IP, a NIC and the VM, each waited for;
//! `delete` removes the VM, and `kill` its NIC, public IP and OS disk too.
//! Every change drops the cached lists, so the next `list` shows it.

use super::{COMPUTE_API, Inventory, NETWORK_API};
use crate::azure::models::{DataDisk, NetworkInterface, VirtualMachine};
use crate::azure::names::segment;
use crate::azure::{AzureError, Fence};
use crate::cache::Operation;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Value, json};

/// The virtual network (and its one subnet) azlin puts its VMs' NICs in.
const NETWORK: &str = "azlin-vnet";
const SUBNET: &str = "default";
/// Resources API version of the resource-group calls.
const GROUP_API: &str = "api-version=2021-04-01";

/// A VM to create.
#[derive(Debug, Clone)]
pub struct NewVm {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub size: String,
    /// `publisher:offer:sku:version`, as `az vm create --image` takes it.
    pub image: String,
    pub admin_user: String,
    /// OpenSSH public key lines authorised for `admin_user`.
    pub ssh_public_keys: Vec<String>,
    pub public_ip: bool,
    /// cloud-init user data, as written (sent base64-encoded).
    pub custom_data: Option<String>,
    /// Empty managed data disks: LUN and size in GB.
    pub data_disks: Vec<(u8, u32)>,
    pub tags: Vec<(String, String)>,
}

/// The image URN's four parts, or why it is not one.
pub fn image_reference(urn: &str) -> Result<Value, String> {
    match urn.split(':').collect::<Vec<_>>().as_slice() {
        [publisher, offer, sku, version]
            if [publisher, offer, sku, version]
                .iter()
                .all(|p| !p.is_empty()) =>
        {
            Ok(json!({ "publisher": publisher, "offer": offer, "sku": sku, "version": version }))
        }
        _ => Err(format!(
            "image '{urn}' is not PUBLISHER:OFFER:SKU:VERSION (e.g. Canonical:ubuntu-24_04-lts:server:latest)"
        )),
    }
}

impl Inventory {
    /// Creates `vm` with its network, public IP (if asked) and NIC. If
    /// Azure refuses the VM, the NIC and public IP made for it are deleted
    /// again, so a failed `new` leaves nothing behind but the network.
    pub async fn create(&self, vm: &NewVm) -> Result<(), AzureError> {
        let mut made = Vec::new();
        let created = self.create_parts(vm, &mut made).await;
        if created.is_err() {
            for id in made.iter().rev() {
                if let Err(error) = self.client.delete(&format!("{id}?{NETWORK_API}"), id).await {
                    tracing::warn!("cannot delete {id} after the failed create: {error}");
                }
            }
        }
        self.forget(&[Operation::VmList, Operation::PowerState, Operation::Ips]);
        created
    }

    /// PUTs the parts of `vm` in order, noting in `made` the ids of the
    /// public IP and NIC once each exists.
    async fn create_parts(&self, vm: &NewVm, made: &mut Vec<String>) -> Result<(), AzureError> {
        let group = self.group_path(&vm.resource_group);
        let location = &vm.location;
        let network = format!("{group}/providers/Microsoft.Network/virtualNetworks/{NETWORK}");
        let body = json!({
            "location": location,
            "properties": {
                "addressSpace": { "addressPrefixes": ["10.0.0.0/16"] },
                "subnets": [{ "name": SUBNET, "properties": { "addressPrefix": "10.0.0.0/24" } }]
            }
        });
        self.client
            .put::<Value>(&format!("{network}?{NETWORK_API}"), &body, NETWORK)
            .await?;
        let mut ip_configuration = json!({
            "name": "ipconfig1",
            "properties": { "subnet": { "id": format!("{network}/subnets/{SUBNET}") } }
        });
        if vm.public_ip {
            let name = format!("{}-ip", vm.name);
            let pip = format!(
                "{group}/providers/Microsoft.Network/publicIPAddresses/{}",
                segment(&name)
            );
            let body = json!({
                "location": location,
                "sku": { "name": "Standard" },
                "properties": { "publicIPAllocationMethod": "Static" }
            });
            let created: Value = self
                .client
                .put(&format!("{pip}?{NETWORK_API}"), &body, &name)
                .await?;
            let id = created["id"].as_str().unwrap_or(&pip).to_string();
            made.push(id.clone());
            ip_configuration["properties"]["publicIPAddress"] = json!({ "id": id });
        }
        let nic_name = format!("{}-nic", vm.name);
        let nic = format!(
            "{group}/providers/Microsoft.Network/networkInterfaces/{}",
            segment(&nic_name)
        );
        let body = json!({ "location": location, "properties": { "ipConfigurations": [ip_configuration] } });
        let created: Value = self
            .client
            .put(&format!("{nic}?{NETWORK_API}"), &body, &nic_name)
            .await?;
        let nic_id = created["id"].as_str().unwrap_or(&nic).to_string();
        made.push(nic_id.clone());
        let body = vm_body(vm, &nic_id).map_err(|why| AzureError::Arm {
            status: 400,
            code: "InvalidParameter".into(),
            message: why,
        })?;
        let path = self.vm_path(&vm.resource_group, &vm.name);
        self.client
            .put::<Value>(&format!("{path}?{COMPUTE_API}"), &body, &vm.name)
            .await?;
        Ok(())
    }

    /// Deletes VM `name`; with `resources`, then its NICs, their public IPs
    /// and its OS disk. The ARM ids deleted, in order.
    pub async fn delete(
        &self,
        resource_group: &str,
        name: &str,
        resources: bool,
    ) -> Result<Vec<String>, AzureError> {
        let deleted = self.delete_parts(resource_group, name, resources).await;
        self.forget(&[Operation::VmList, Operation::PowerState, Operation::Ips]);
        deleted
    }

    async fn delete_parts(
        &self,
        resource_group: &str,
        name: &str,
        resources: bool,
    ) -> Result<Vec<String>, AzureError> {
        let path = self.vm_path(resource_group, name);
        let vm: VirtualMachine = self.client.get(&format!("{path}?{COMPUTE_API}")).await?;
        let mut parts = Vec::new();
        if resources {
            parts = self.parts_of(&vm).await?;
        }
        // Parts outside the write fence are refused before the VM goes.
        for (id, api) in &parts {
            Fence::check_current(&self.client.url(&format!("{id}?{api}")))?;
        }
        let mut deleted = Vec::new();
        if self
            .client
            .delete(&format!("{path}?forceDeletion=true&{COMPUTE_API}"), name)
            .await?
        {
            deleted.push(vm.id.clone());
        }
        for (id, api) in parts {
            if self.client.delete(&format!("{id}?{api}"), &id).await? {
                deleted.push(id);
            }
        }
        Ok(deleted)
    }

    /// The NICs, public IPs, OS disk and the data disks made with `vm`, in the order they can be
    /// deleted once the VM is gone, with the API version of each.
    async fn parts_of(
        &self,
        vm: &VirtualMachine,
    ) -> Result<Vec<(String, &'static str)>, AzureError> {
        let properties = vm.properties.as_ref();
        let nics: Vec<String> = properties
            .and_then(|p| p.network_profile.as_ref())
            .map(|profile| {
                profile
                    .network_interfaces
                    .iter()
                    .map(|nic| nic.id.clone())
                    .collect()
            })
            .unwrap_or_default();
        let mut parts = Vec::new();
        let mut ips = Vec::new();
        for id in nics {
            let nic: NetworkInterface = self.client.get(&format!("{id}?{NETWORK_API}")).await?;
            ips.extend(
                nic.properties
                    .ip_configurations
                    .iter()
                    .filter_map(|config| config.properties.public_ip_address.as_ref())
                    .map(|ip| (ip.id.clone(), NETWORK_API)),
            );
            parts.push((id, NETWORK_API));
        }
        parts.extend(ips);
        let storage = properties.and_then(|p| p.storage_profile.as_ref());
        let os_disk = storage
            .and_then(|storage| storage.os_disk.as_ref())
            .and_then(|disk| disk.name.clone());
        // Only the data disks made with the VM: one attached later may
        // hold data that outlives it.
        let data_disks = storage
            .and_then(|storage| storage.data_disks.as_ref())
            .into_iter()
            .flatten()
            .filter(|disk| made_with(vm.name(), disk))
            .filter_map(|disk| disk.name.clone());
        let group = vm.id.split("/providers/").next().unwrap_or_default();
        for disk in os_disk.into_iter().chain(data_disks) {
            parts.push((
                format!(
                    "{group}/providers/Microsoft.Compute/disks/{}",
                    segment(&disk)
                ),
                COMPUTE_API,
            ));
        }
        Ok(parts)
    }

    /// Creates resource group `name` in `location` unless it exists (in
    /// whatever region: a VM need not share its group's).
    pub async fn ensure_group(&self, name: &str, location: &str) -> Result<(), AzureError> {
        let path = format!("{}?{GROUP_API}", self.group_path(name));
        match self.client.get::<Value>(&path).await {
            Err(AzureError::Arm { status: 404, .. }) => {}
            found => return found.map(drop),
        }
        let body = json!({ "location": location });
        self.client.put::<Value>(&path, &body, name).await.map(drop)
    }
}

/// The `Virtual Machines - Create Or Update` body, in the shape of the
/// official `VirtualMachine_Create_WithSshAuthentication` example.
fn vm_body(vm: &NewVm, nic_id: &str) -> Result<Value, String> {
    let keys: Vec<Value> = vm
        .ssh_public_keys
        .iter()
        .map(|key| {
            json!({
                "path": format!("/home/{}/.ssh/authorized_keys", vm.admin_user),
                "keyData": key,
            })
        })
        .collect();
    let mut os_profile = json!({
        "computerName": vm.name,
        "adminUsername": vm.admin_user,
        "linuxConfiguration": {
            "disablePasswordAuthentication": true,
            "ssh": { "publicKeys": keys }
        }
    });
    if let Some(data) = &vm.custom_data {
        os_profile["customData"] = json!(BASE64.encode(data));
    }
    let tags: serde_json::Map<String, Value> = vm
        .tags
        .iter()
        .map(|(key, value)| (key.clone(), json!(value)))
        .collect();
    Ok(json!({
        "location": vm.location,
        "tags": tags,
        "properties": {
            "hardwareProfile": { "vmSize": vm.size },
            "storageProfile": {
                "imageReference": image_reference(&vm.image)?,
                "osDisk": {
                    "name": format!("{}-osdisk", vm.name),
                    "caching": "ReadWrite",
                    "createOption": "FromImage",
                    "managedDisk": { "storageAccountType": "Premium_LRS" }
                },
                "dataDisks": vm.data_disks.iter().map(|(lun, size)| json!({
                    "lun": lun,
                    "name": data_disk_name(&vm.name, *lun),
                    "createOption": "Empty",
                    "diskSizeGB": size,
                    "managedDisk": { "storageAccountType": "Premium_LRS" }
                })).collect::<Vec<_>>()
            },
            "osProfile": os_profile,
            "networkProfile": { "networkInterfaces": [{ "id": nic_id, "properties": { "primary": true } }] }
        }
    }))
}

/// The name of the data disk `create` attaches to VM `vm` at `lun`.
fn data_disk_name(vm: &str, lun: u8) -> String {
    format!("{vm}-disk{lun}")
}

/// Whether `disk` is one `create` made with VM `vm` (its name for its LUN).
fn made_with(vm: &str, disk: &DataDisk) -> bool {
    match (disk.lun.and_then(|lun| u8::try_from(lun).ok()), &disk.name) {
        (Some(lun), Some(name)) => name.eq_ignore_ascii_case(&data_disk_name(vm, lun)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_data_disks_made_with_the_vm_go_with_it() {
        let disk = |lun: u32, name: &str| DataDisk {
            lun: Some(lun),
            name: Some(name.into()),
        };
        assert!(made_with("box", &disk(0, "box-disk0")));
        assert!(made_with("box", &disk(1, "BOX-disk1")));
        assert!(!made_with("box", &disk(0, "precious")), "attached later");
        assert!(
            !made_with("box", &disk(2, "box-disk0")),
            "another LUN's name"
        );
        assert!(!made_with("box", &DataDisk::default()));
    }

    #[test]
    fn an_image_is_four_parts() {
        assert_eq!(
            image_reference("Canonical:ubuntu-24_04-lts:server:latest").unwrap()["offer"],
            "ubuntu-24_04-lts"
        );
        assert!(
            image_reference("ubuntu")
                .unwrap_err()
                .contains("PUBLISHER:OFFER:SKU:VERSION")
        );
    }
}
