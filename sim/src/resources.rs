//! The subscription's resources as records of their own: resource groups,
//! VMs, NICs, public IPs and OS disks, linked by slot, so each can be created
//! and deleted alone and a deleted VM's NIC, IP and disk can stay behind.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::Options;
use crate::fleet::{self, SimVm};

/// ARM resource types, as ids spell them.
pub const VM_TYPE: &str = "Microsoft.Compute/virtualMachines";
pub const NIC_TYPE: &str = "Microsoft.Network/networkInterfaces";
pub const PIP_TYPE: &str = "Microsoft.Network/publicIPAddresses";
pub const DISK_TYPE: &str = "Microsoft.Compute/disks";

/// The ARM id of `name`, a `kind` (e.g. [`VM_TYPE`]) in `group`.
pub fn id(subscription: &str, group: &str, kind: &str, name: &str) -> String {
    format!("/subscriptions/{subscription}/resourceGroups/{group}/providers/{kind}/{name}")
}

/// ARM's `provisioningState` of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Provisioning {
    Succeeded,
    /// A compute resource being created.
    Creating,
    /// A network resource being created (network RPs say `Updating`).
    Updating,
    Deleting,
}

impl Provisioning {
    pub fn as_str(self) -> &'static str {
        match self {
            Provisioning::Succeeded => "Succeeded",
            Provisioning::Creating => "Creating",
            Provisioning::Updating => "Updating",
            Provisioning::Deleting => "Deleting",
        }
    }
}

/// What a VM's PUT said that the fleet's VMs take from the example instead.
#[derive(Debug, Clone)]
pub struct Profile {
    pub image: Value,
    /// `osProfile` as sent, less `customData` (ARM never returns it).
    pub os: Value,
    /// `customData` as sent (base64), for tests.
    pub custom_data: Option<String>,
}

/// A VM record; `nic` and `os_disk` are slots in [`Resources`].
#[derive(Debug, Clone)]
pub struct Vm {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub size: String,
    /// A `PowerState/*` code.
    pub power: String,
    pub tags: BTreeMap<String, String>,
    pub nic: usize,
    pub os_disk: usize,
    /// Data disks: LUN and disk slot.
    pub data_disks: Vec<(u8, usize)>,
    pub provisioning: Provisioning,
    /// `None` for the generated fleet.
    pub profile: Option<Profile>,
}

/// A NIC record: its one IP configuration's private address and public IP.
#[derive(Debug, Clone)]
pub struct Nic {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub private_ip: String,
    pub public_ip: Option<usize>,
    pub vm: Option<usize>,
    pub provisioning: Provisioning,
    /// `None` for the fleet's NICs (the list example's body); else the
    /// IP configuration's name and subnet as the PUT gave them.
    pub created: Option<CreatedNic>,
}

/// What a NIC's PUT named.
#[derive(Debug, Clone)]
pub struct CreatedNic {
    pub ip_configuration: String,
    pub subnet: Option<Value>,
}

/// A public IP record; `address` is `None` until allocated.
#[derive(Debug, Clone)]
pub struct Pip {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub address: Option<String>,
    pub nic: Option<usize>,
    pub provisioning: Provisioning,
    /// Made by a PUT (the create example's body) rather than generated.
    pub created: bool,
}

/// A managed OS disk record.
#[derive(Debug, Clone)]
pub struct Disk {
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub size_gb: u32,
    pub vm: Option<usize>,
    pub provisioning: Provisioning,
}

/// A resource group.
#[derive(Debug, Clone)]
pub struct Group {
    pub name: String,
    pub location: String,
}

/// A record that lives in a resource group under a name.
pub trait Named {
    fn group(&self) -> &str;
    fn name(&self) -> &str;
}

macro_rules! named {
    ($($kind:ty),*) => {$(
        impl Named for $kind {
            fn group(&self) -> &str {
                &self.resource_group
            }
            fn name(&self) -> &str {
                &self.name
            }
        }
    )*};
}
named!(Vm, Nic, Pip, Disk);

/// Records in creation order, found by slot or by (group, name) without a
/// scan. A deleted record leaves an empty slot, so slots stay stable.
#[derive(Debug)]
pub struct Slots<T> {
    items: Vec<Option<T>>,
    by_name: HashMap<(String, String), usize>,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            by_name: HashMap::new(),
        }
    }
}

/// ARM names and groups match case-insensitively.
fn key(group: &str, name: &str) -> (String, String) {
    (group.to_ascii_lowercase(), name.to_ascii_lowercase())
}

impl<T: Named> Slots<T> {
    /// Adds `item` and returns its slot.
    pub fn insert(&mut self, item: T) -> usize {
        let slot = self.items.len();
        self.by_name.insert(key(item.group(), item.name()), slot);
        self.items.push(Some(item));
        slot
    }

    pub fn get(&self, slot: usize) -> Option<&T> {
        self.items.get(slot)?.as_ref()
    }

    pub fn get_mut(&mut self, slot: usize) -> Option<&mut T> {
        self.items.get_mut(slot)?.as_mut()
    }

    /// The slot of `name` in `group`; without a group, the first of that name.
    pub fn find(&self, group: Option<&str>, name: &str) -> Option<usize> {
        match group {
            Some(group) => self.by_name.get(&key(group, name)).copied(),
            None => self
                .iter()
                .find(|(_, item)| item.name().eq_ignore_ascii_case(name))
                .map(|(slot, _)| slot),
        }
    }

    /// Deletes the record in `slot`, if any.
    pub fn remove(&mut self, slot: usize) -> Option<T> {
        let item = self.items.get_mut(slot)?.take()?;
        self.by_name.remove(&key(item.group(), item.name()));
        Some(item)
    }

    /// Slots used so far, deleted ones included.
    pub fn slots(&self) -> usize {
        self.items.len()
    }

    /// The live records and their slots, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.items
            .iter()
            .enumerate()
            .filter_map(|(slot, item)| Some((slot, item.as_ref()?)))
    }
}

/// Every resource of the subscription.
#[derive(Debug, Default)]
pub struct Resources {
    pub vms: Slots<Vm>,
    pub nics: Slots<Nic>,
    pub pips: Slots<Pip>,
    pub disks: Slots<Disk>,
    /// By lower-cased name.
    groups: BTreeMap<String, Group>,
    /// Virtual networks, by lower-cased `group/name`: only their existence.
    pub networks: std::collections::BTreeSet<String>,
    /// Addresses synthesised so far for created NICs and public IPs.
    synthesised: usize,
    /// How many of `Options::spare_addresses` created VMs have taken.
    pub spares_taken: usize,
}

impl Resources {
    /// The generated fleet `options` describe (see [`fleet::generate`]):
    /// each VM with a NIC `{vm}-nic`, an OS disk `{vm}_OsDisk` and, if it
    /// has a public address, a public IP `{vm}-ip`, all in the VM's group.
    pub fn generate(options: &Options) -> Self {
        let mut resources = Resources::default();
        for vm in fleet::generate(options) {
            resources.add_group(&vm.resource_group, &vm.location);
            let SimVm {
                name,
                resource_group,
                location,
                size,
                power,
                private_ip,
                public_ip,
                tags,
                ..
            } = vm;
            let pip = public_ip.map(|address| {
                resources.pips.insert(Pip {
                    name: format!("{name}-ip"),
                    resource_group: resource_group.clone(),
                    location: location.clone(),
                    address: Some(address),
                    nic: None,
                    provisioning: Provisioning::Succeeded,
                    created: false,
                })
            });
            let nic = resources.add_nic(Nic {
                name: format!("{name}-nic"),
                resource_group: resource_group.clone(),
                location: location.clone(),
                private_ip,
                public_ip: pip,
                vm: None,
                provisioning: Provisioning::Succeeded,
                created: None,
            });
            let os_disk = resources.disks.insert(Disk {
                name: format!("{name}_OsDisk"),
                resource_group: resource_group.clone(),
                location: location.clone(),
                size_gb: 30,
                vm: None,
                provisioning: Provisioning::Succeeded,
            });
            resources.add_vm(Vm {
                name,
                resource_group,
                location,
                size,
                power,
                tags,
                nic,
                os_disk,
                data_disks: Vec::new(),
                provisioning: Provisioning::Succeeded,
                profile: None,
            });
        }
        resources
    }

    /// Adds `vm` and links its NIC (and that NIC's public IP) and OS disk to it.
    pub fn add_vm(&mut self, vm: Vm) -> usize {
        let (nic, disk) = (vm.nic, vm.os_disk);
        let data: Vec<usize> = vm.data_disks.iter().map(|(_, slot)| *slot).collect();
        let slot = self.vms.insert(vm);
        for disk in data {
            if let Some(disk) = self.disks.get_mut(disk) {
                disk.vm = Some(slot);
            }
        }
        if let Some(nic) = self.nics.get_mut(nic) {
            nic.vm = Some(slot);
        }
        if let Some(disk) = self.disks.get_mut(disk) {
            disk.vm = Some(slot);
        }
        slot
    }

    /// Adds `nic` and links its public IP to it.
    pub fn add_nic(&mut self, nic: Nic) -> usize {
        let pip = nic.public_ip;
        let slot = self.nics.insert(nic);
        if let Some(pip) = pip.and_then(|pip| self.pips.get_mut(pip)) {
            pip.nic = Some(slot);
        }
        slot
    }

    /// Deletes VM `slot`; its NIC and disk stay, unattached.
    pub fn remove_vm(&mut self, slot: usize) {
        let Some(vm) = self.vms.remove(slot) else {
            return;
        };
        if let Some(nic) = self.nics.get_mut(vm.nic) {
            nic.vm = None;
        }
        for disk in std::iter::once(vm.os_disk).chain(vm.data_disks.iter().map(|(_, slot)| *slot)) {
            if let Some(disk) = self.disks.get_mut(disk) {
                disk.vm = None;
            }
        }
    }

    /// Deletes NIC `slot`; its public IP stays, unattached.
    pub fn remove_nic(&mut self, slot: usize) {
        let Some(nic) = self.nics.remove(slot) else {
            return;
        };
        if let Some(pip) = nic.public_ip.and_then(|pip| self.pips.get_mut(pip)) {
            pip.nic = None;
        }
    }

    /// Adds resource group `name` unless one of that name exists; whether it was added.
    pub fn add_group(&mut self, name: &str, location: &str) -> bool {
        let key = name.to_ascii_lowercase();
        if self.groups.contains_key(&key) {
            return false;
        }
        self.groups.insert(
            key,
            Group {
                name: name.into(),
                location: location.into(),
            },
        );
        true
    }

    /// Resource group `name`, matched case-insensitively.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.get(&name.to_ascii_lowercase())
    }

    /// A fresh private address for a created NIC, `10.128.*.*`, apart from the fleet's `10.0.*.*`.
    pub fn synthesise_private(&mut self) -> String {
        let n = self.next_synthesised();
        format!(
            "10.{}.{}.{}",
            128 + (n >> 16 & 0x7f),
            n >> 8 & 0xff,
            n & 0xff
        )
    }

    /// A fresh public address for a created public IP, `20.128.*.*`.
    pub fn synthesise_public(&mut self) -> String {
        let n = self.next_synthesised();
        format!(
            "20.{}.{}.{}",
            128 + (n >> 16 & 0x7f),
            n >> 8 & 0xff,
            n & 0xff
        )
    }

    fn next_synthesised(&mut self) -> usize {
        self.synthesised += 1;
        self.synthesised + 3
    }

    /// VM `slot` as the public [`SimVm`], with its NIC's addresses.
    pub fn view(&self, slot: usize) -> Option<SimVm> {
        let vm = self.vms.get(slot)?;
        let nic = self.nics.get(vm.nic);
        Some(SimVm {
            index: slot,
            name: vm.name.clone(),
            resource_group: vm.resource_group.clone(),
            location: vm.location.clone(),
            size: vm.size.clone(),
            power: vm.power.clone(),
            private_ip: nic.map(|nic| nic.private_ip.clone()).unwrap_or_default(),
            public_ip: nic
                .and_then(|nic| self.pips.get(nic.public_ip?))
                .and_then(|pip| pip.address.clone()),
            tags: vm.tags.clone(),
            image: vm.profile.as_ref().map(|profile| {
                ["publisher", "offer", "sku", "version"]
                    .map(|part| profile.image[part].as_str().unwrap_or_default())
                    .join(":")
            }),
            custom_data: vm
                .profile
                .as_ref()
                .and_then(|profile| profile.custom_data.clone()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fleet_links_each_vm_to_its_nic_ip_and_disk() {
        let options = Options {
            vms: 6,
            ..Options::default()
        };
        let resources = Resources::generate(&options);
        let fleet = fleet::generate(&options);
        for (slot, expected) in fleet.iter().enumerate() {
            let view = resources.view(slot).expect("a VM");
            assert_eq!(view.private_ip, expected.private_ip);
            assert_eq!(view.public_ip, expected.public_ip);
            let vm = resources.vms.get(slot).expect("a VM");
            assert_eq!(
                resources.nics.get(vm.nic).and_then(|nic| nic.vm),
                Some(slot)
            );
            assert_eq!(
                resources
                    .disks
                    .get(vm.os_disk)
                    .map(|disk| disk.name.as_str()),
                Some(format!("{}_OsDisk", expected.name).as_str())
            );
        }
        assert_eq!(
            resources.pips.iter().count(),
            4,
            "every 4th from 1 has none"
        );
    }

    #[test]
    fn a_deleted_vm_leaves_its_nic_and_disk_unattached() {
        let mut resources = Resources::generate(&Options {
            vms: 2,
            ..Options::default()
        });
        let nic = resources
            .nics
            .find(Some("RG-0"), "VM-0000-NIC")
            .expect("the NIC");
        resources.remove_vm(0);
        assert!(resources.vms.get(0).is_none());
        assert_eq!(resources.vms.find(Some("rg-0"), "vm-0000"), None);
        assert_eq!(resources.nics.get(nic).and_then(|nic| nic.vm), None);
        assert_eq!(resources.disks.get(0).and_then(|disk| disk.vm), None);
        assert_eq!(resources.vms.iter().count(), 1);
    }
}
