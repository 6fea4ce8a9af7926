//! The simulated subscription: VMs spread over resource groups, some of
//! them stopped or deallocated, each with a NIC and most with a public IP.

use std::collections::BTreeMap;

/// Sizes the fleet uses: name, cores, memory in MB.
pub const SIZES: [(&str, u32, u64); 3] = [
    ("Standard_D2s_v5", 2, 8192),
    ("Standard_D4s_v5", 4, 16384),
    ("Standard_E16as_v5", 16, 131072),
];

/// VMs per resource group.
const PER_GROUP: usize = 25;

/// One simulated VM.
#[derive(Debug, Clone)]
pub struct SimVm {
    pub index: usize,
    pub name: String,
    pub resource_group: String,
    pub location: String,
    pub size: String,
    /// A `PowerState/*` code.
    pub power: String,
    pub private_ip: String,
    pub public_ip: Option<String>,
    pub tags: BTreeMap<String, String>,
}

impl SimVm {
    fn new(index: usize) -> Self {
        let power = match index % 10 {
            3 => "PowerState/stopped",
            7 => "PowerState/deallocated",
            _ => "PowerState/running",
        };
        let mut tags = BTreeMap::new();
        tags.insert(
            "env".into(),
            if index.is_multiple_of(2) {
                "dev"
            } else {
                "prod"
            }
            .into(),
        );
        tags.insert("azlin-session".into(), format!("session-{index}"));
        Self {
            index,
            name: format!("vm-{index:04}"),
            resource_group: format!("rg-{}", index / PER_GROUP),
            location: if index.is_multiple_of(3) {
                "eastus"
            } else {
                "westus2"
            }
            .into(),
            size: SIZES[index % SIZES.len()].0.into(),
            power: power.into(),
            private_ip: format!(
                "10.{}.{}.{}",
                (index >> 16) & 0xff,
                (index >> 8) & 0xff,
                (index & 0xff) + 4
            ),
            public_ip: (index % 4 != 1).then(|| {
                format!(
                    "20.{}.{}.{}",
                    (index >> 16) & 0xff,
                    (index >> 8) & 0xff,
                    index & 0xff
                )
            }),
            tags,
        }
    }

    /// ARM id of the VM.
    pub fn id(&self, subscription: &str) -> String {
        format!(
            "/subscriptions/{subscription}/resourceGroups/{}/providers/Microsoft.Compute/virtualMachines/{}",
            self.resource_group, self.name
        )
    }

    /// ARM id of its NIC.
    pub fn nic_id(&self, subscription: &str) -> String {
        format!(
            "/subscriptions/{subscription}/resourceGroups/{}/providers/Microsoft.Network/networkInterfaces/{}-nic",
            self.resource_group, self.name
        )
    }

    /// ARM id of its public IP.
    pub fn pip_id(&self, subscription: &str) -> String {
        format!(
            "/subscriptions/{subscription}/resourceGroups/{}/providers/Microsoft.Network/publicIPAddresses/{}-ip",
            self.resource_group, self.name
        )
    }
}

/// A fleet of `count` VMs. The first VMs take `addresses`, in order, as
/// both their private and (if they have one) public IP, so they can point at
/// real SSH servers.
pub fn generate(count: usize, addresses: &[String]) -> Vec<SimVm> {
    (0..count)
        .map(|index| {
            let mut vm = SimVm::new(index);
            if let Some(address) = addresses.get(index) {
                vm.private_ip = address.clone();
                if vm.public_ip.is_some() {
                    vm.public_ip = Some(address.clone());
                }
            }
            vm
        })
        .collect()
}
