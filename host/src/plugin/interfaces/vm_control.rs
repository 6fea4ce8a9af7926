//! `azlin:host/vm-control`: power actions, tags, creation and deletion,
//! waited for, with the cached lists dropped so the next listing is fresh.

use super::HostError;
use super::azure_errors::to_wit;
use super::views::AzureView;
use super::vms::{inventory, power, vm as listed};
use crate::azure::names::{check_new_vm, check_vm};
use crate::azure::{
    Fence, Inventory, NewVm as Creation, PowerAction, Session, check_tags, image_reference,
};
use crate::plugin::bindings::types::{Error, PowerState, Vm, VmRef};
use crate::plugin::bindings::vm_control::{DataDisk, Host, NewVm};
use std::sync::Arc;

impl Host for AzureView<'_> {
    async fn start(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        Ok(self.act(vm, PowerAction::Start).await?)
    }

    async fn stop(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        Ok(self.act(vm, PowerAction::PowerOff).await?)
    }

    async fn deallocate(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        Ok(self.act(vm, PowerAction::Deallocate).await?)
    }

    async fn restart(&mut self, vm: VmRef) -> Result<PowerState, HostError> {
        Ok(self.act(vm, PowerAction::Restart).await?)
    }

    async fn set_tags(
        &mut self,
        vm: VmRef,
        set: Vec<(String, String)>,
        remove: Vec<String>,
    ) -> Result<Vec<(String, String)>, HostError> {
        self.check_ref(&vm)?;
        let writes = self.writes();
        if let Err(why) = check_tags(&set, &remove) {
            return Err(Error::InvalidInput(why).into());
        }
        let tagged = async move {
            let (inventory, fence) = writes.fenced().await?;
            let tagging = inventory.set_tags(&vm.resource_group, &vm.name, &set, &remove);
            fence.hold(tagging).await.map_err(to_wit)
        };
        Ok(tagged.await?)
    }

    async fn create(&mut self, vm: NewVm) -> Result<Vm, HostError> {
        self.create_with_disks(vm, Vec::new()).await
    }

    async fn create_with_disks(
        &mut self,
        vm: NewVm,
        disks: Vec<DataDisk>,
    ) -> Result<Vm, HostError> {
        self.group_in_scope(&vm.resource_group)?;
        let disks = data_disks(&disks)?;
        let mut creation = self.creation(vm)?;
        creation.data_disks = disks;
        let writes = self.writes();
        let created = async move {
            let (inventory, fence) = writes.fenced().await?;
            fence.hold(create(&inventory, creation)).await
        };
        Ok(created.await?)
    }

    async fn delete(&mut self, vm: VmRef, with_resources: bool) -> Result<Vec<String>, HostError> {
        self.check_ref(&vm)?;
        let writes = self.writes();
        let deleted = async move {
            let (inventory, fence) = writes.fenced().await?;
            let deleting = inventory.delete(&vm.resource_group, &vm.name, with_resources);
            fence.hold(deleting).await.map_err(to_wit)
        };
        Ok(deleted.await?)
    }
}

/// The most data disks a new VM gets here.
const MOST_DATA_DISKS: usize = 8;

/// `disks` checked as Azure would: LUNs 0–63, each once, sizes 1–32767 GB.
fn data_disks(disks: &[DataDisk]) -> Result<Vec<(u8, u32)>, Error> {
    if disks.len() > MOST_DATA_DISKS {
        return Err(Error::InvalidInput(format!(
            "{} data disks asked for; a new VM gets at most {MOST_DATA_DISKS}",
            disks.len()
        )));
    }
    let mut checked: Vec<(u8, u32)> = Vec::new();
    for disk in disks {
        if disk.lun > 63 || !(1..=32767).contains(&disk.size_gb) {
            return Err(Error::InvalidInput(format!(
                "data disk at LUN {} of {} GB: LUNs are 0 to 63, sizes 1 to 32767 GB",
                disk.lun, disk.size_gb
            )));
        }
        if checked.iter().any(|(lun, _)| *lun == disk.lun) {
            return Err(Error::InvalidInput(format!(
                "two data disks at LUN {}",
                disk.lun
            )));
        }
        checked.push((disk.lun, disk.size_gb));
    }
    Ok(checked)
}

/// What a plugin's ARM writes go through: the run's Azure session and the
/// resource groups its policy allows.
struct Writes {
    session: Option<Arc<Session>>,
    groups: Option<Vec<String>>,
}

impl Writes {
    /// The inventory, and the fence its writes are held to: this
    /// subscription and the plugin's resource groups, checked on each
    /// request's final URL.
    async fn fenced(self) -> Result<(Arc<Inventory>, Fence), Error> {
        let inventory = inventory(self.session).await.map_err(to_wit)?;
        let fence = Fence {
            subscription: inventory.subscription().to_string(),
            groups: self.groups,
        };
        Ok((inventory, fence))
    }
}

impl AzureView<'_> {
    /// `vm` named by Azure's rules and inside the plugin's resource groups.
    fn check_ref(&self, vm: &VmRef) -> Result<(), Error> {
        check_vm(&vm.name).map_err(Error::InvalidInput)?;
        self.group_in_scope(&vm.resource_group)
    }

    /// This run's way to write to ARM.
    fn writes(&self) -> Writes {
        Writes {
            session: self.azure(),
            groups: self
                .context
                .scope
                .resource_groups
                .as_ref()
                .map(|groups| groups.value.clone()),
        }
    }

    /// Runs `action` on `vm` and returns the power state it reached.
    async fn act(&mut self, vm: VmRef, action: PowerAction) -> Result<PowerState, Error> {
        self.check_ref(&vm)?;
        let (inventory, fence) = self.writes().fenced().await?;
        let acting = inventory.power(&vm.resource_group, &vm.name, action);
        let state = fence.hold(acting).await.map_err(to_wit)?;
        Ok(power(state))
    }

    /// What Azure is asked to create for `vm`: checked, with the user's
    /// configured SSH user and the public half of their key filled in.
    fn creation(&self, vm: NewVm) -> Result<Creation, Error> {
        check_new_vm(&vm.name).map_err(Error::InvalidInput)?;
        image_reference(&vm.image).map_err(Error::InvalidInput)?;
        let ssh = self
            .context
            .config
            .ssh_for_user()
            .map_err(|error| Error::InvalidInput(error.to_string()))?;
        let mut public = ssh.key.clone().into_os_string();
        public.push(".pub");
        let public = std::path::PathBuf::from(public);
        let key = std::fs::read_to_string(&public).map_err(|error| {
            Error::InvalidInput(format!(
                "cannot read the public key {} for the new VM ({error}); create it with `ssh-keygen -y -f {} > {}`",
                public.display(),
                ssh.key.display(),
                public.display()
            ))
        })?;
        Ok(Creation {
            name: vm.name,
            resource_group: vm.resource_group,
            location: vm.location,
            size: vm.size,
            image: vm.image,
            admin_user: vm.admin_user.unwrap_or(ssh.user),
            ssh_public_keys: vec![key.trim().to_string()],
            public_ip: vm.public_ip,
            custom_data: vm.cloud_init,
            data_disks: Vec::new(),
            tags: vm.tags,
        })
    }
}

/// Creates the VM (and its resource group if missing) and returns it as listed.
async fn create(inventory: &Inventory, creation: Creation) -> Result<Vm, Error> {
    inventory
        .ensure_group(&creation.resource_group, &creation.location)
        .await
        .map_err(to_wit)?;
    inventory.create(&creation).await.map_err(to_wit)?;
    let record = inventory
        .find(&creation.resource_group, &creation.name)
        .await
        .map_err(to_wit)?
        .ok_or_else(|| {
            Error::Remote(format!(
                "Azure created VM '{}' but does not list it yet",
                creation.name
            ))
        })?;
    Ok(listed(&record))
}
