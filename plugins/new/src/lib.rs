//! `azlin new`: create VMs with a NIC, a public IP (unless
//! `--no-public-ip`), the user's SSH key and cloud-init that installs tmux
//! (and clones `--repo`), waited for, then shown like `show`.

use azlin_sdk::output::{Table, column};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::NewVm;

mod disks;
mod image;
mod region_fit;
mod sizes;

/// Existing azlin's defaults when config.toml names none.
const DEFAULT_SIZE: &str = "Standard_E16as_v5";
const DEFAULT_REGION: &str = "westus2";
const DEFAULT_IMAGE: &str = "Canonical:ubuntu-24_04-lts:server:latest";

struct New;

impl Command for New {
    fn describe() -> Info {
        Info::new("new", env!("CARGO_PKG_VERSION"), "Create VMs")
            .alias("create")
            .description(
                "Creates a VM (or --pool N of them) with a NIC, a public IP unless --no-public-ip, \
                 your SSH key and cloud-init that installs tmux (and clones --repo), waits until \
                 Azure has it, and shows it. Size, region, image and resource group default to \
                 default_vm_size, default_region, default_vm_image and the active context's or \
                 default_resource_group in config.toml.",
            )
            .option(Opt::value(
                "name",
                "NAME",
                "VM name (default: azlin-vm-<time>)",
            ))
            .option(Opt::value("size", "SIZE", "xs, s, m, l, xl, xxl or a SKU"))
            .option(Opt::value(
                "vm-size",
                "SKU",
                "VM size, e.g. Standard_D2s_v5",
            ))
            .option(Opt::value("region", "REGION", "Azure region, e.g. westus2"))
            .option(
                Opt::value("resource-group", "NAME", "resource group (made if missing)")
                    .alias("rg"),
            )
            .option(Opt::value(
                "image",
                "URN",
                "image PUBLISHER:OFFER:SKU:VERSION",
            ))
            .option(Opt::value("pool", "N", "create N VMs, NAME-1 … NAME-N"))
            .option(Opt::value("repo", "URL", "git repository cloned on the VM"))
            .option(Opt::flag(
                "no-public-ip",
                "no public IP: reach it by its private address",
            ))
            .option(
                Opt::value("vm-family", "FAMILY", "with --size: d (general purpose) or e (memory-optimised) SKUs")
                    .choices(&sizes::FAMILIES),
            )
            .option(Opt::value(
                "template",
                "NAME",
                "size and region from ~/.azlin/templates/NAME.toml (flags given win)",
            ))
            .option(Opt::flag(
                "region-fit",
                "start from --region (or the default) and take the first region whose vCPU quota has room",
            ))
            .option(Opt::value(
                "os",
                "VERSION",
                "Ubuntu version (26.04, 24.04, 22.04, …) or an image URN",
            ))
            .option(Opt::flag("no-tmux", "do not install tmux"))
            .option(Opt::value(
                "tmux-session",
                "NAME",
                "session name for the VM (as `azlin session VM NAME`)",
            ))
            .option(Opt::value(
                "nfs-storage",
                "ACCOUNT",
                "Azure Files NFS account whose share 'home' is mounted as /home (default: default_nfs_storage)",
            ))
            .option(Opt::flag("no-nfs", "mount no NFS home, even if default_nfs_storage is set"))
            .option(Opt::value(
                "home-disk-size",
                "GB",
                "a separate Premium SSD of GB for /home (default: none, /home on the OS disk)",
            ))
            .option(Opt::flag(
                "no-home-disk",
                "/home on the OS disk (the default here; accepted for existing azlin's command lines)",
            ))
            .option(Opt::value("tmp-disk-size", "GB", "a separate Premium SSD of GB for /tmp"))
            .option(
                Opt::flag("yes", "accepted for existing azlin's command lines: new asks nothing")
                    .short('y'),
            )
            .option(Opt::flag(
                "no-auto-connect",
                "accepted for existing azlin's command lines: new never connects (azlin connect NAME does)",
            ))
    }

    fn run(args: Args) -> Result<(), Failure> {
        let base = match args.value("name") {
            Some(name) => name.to_string(),
            None => generated_name(),
        };
        let pool: u32 = args.parse("pool")?.unwrap_or(1);
        if pool == 0 {
            return Err(Failure::usage("--pool must be at least 1"));
        }
        let names: Vec<String> = if pool == 1 {
            vec![base]
        } else {
            (1..=pool).map(|i| format!("{base}-{i}")).collect()
        };
        let chosen_template = match args.value("template") {
            Some(name) => Some(settings::template(name)?),
            None => None,
        };
        let from_template = |pick: fn(&settings::VmTemplate) -> Option<String>| {
            chosen_template.as_ref().and_then(pick)
        };
        let size = match from_template(|t| t.vm_size.clone()) {
            Some(sku) if !sizes_given(&args) => sku,
            _ => size(&args)?,
        };
        let region = args
            .value("region")
            .map(str::to_string)
            .or_else(|| from_template(|t| t.region.clone()));
        let mut location = setting(region.as_deref(), "default_region", DEFAULT_REGION)?;
        if args.flag("region-fit") {
            location = region_fit::choose(&location, &size, u64::from(pool))?;
        }
        let disks = disks::wanted(&args)?;
        let template = NewVm {
            name: String::new(),
            resource_group: resource_group(&args)?,
            location,
            size,
            image: image(&args)?,
            admin_user: None,
            public_ip: !args.flag("no-public-ip"),
            cloud_init: Some(cloud_init(&args, &disks)?),
            tags: vec![("created-by".into(), "azlin".into())],
        };
        let mut table = Table::begin(
            "vms",
            vec![
                column("name", "VM Name"),
                column("resource_group", "Resource Group"),
                column("region", "Region"),
                column("size", "SKU"),
                column("ip", "IP"),
                column("status", "Status"),
            ],
        )?;
        let session = args.value("tmux-session");
        if session.is_some() && pool > 1 {
            return Err(Failure::usage(
                "--tmux-session names one VM; with --pool each VM gets its own later (azlin session VM NAME)",
            ));
        }
        for name in names {
            output::progress(&format!("creating {name}"), 0, None);
            let vm = vms::create_with_disks(
                &NewVm {
                    name,
                    ..template.clone()
                },
                &disks.iter().map(|mounted| mounted.disk).collect::<Vec<_>>(),
            )?;
            if let Some(session) = session {
                settings::set_session_name(&vm.name, Some(session))?;
            }
            let ip = vm.public_ip.clone().or(vm.private_ip.clone());
            table.row(vec![
                vm.name.as_str().into(),
                vm.resource_group.as_str().into(),
                vm.location.as_str().into(),
                vm.size.as_str().into(),
                ip.into(),
                vms::power_label(vm.power_state).into(),
            ])?;
        }
        Ok(())
    }
}

/// `--size` (a tier or a SKU, in `--vm-family`), else `--vm-size`, else
/// `--vm-family` at the default tier, else config's default.
fn size(args: &Args) -> Result<String, Failure> {
    let family = args.value("vm-family");
    match (args.value("size"), args.value("vm-size"), family) {
        (Some(size), _, family) => sizes::sku(size, family),
        (None, Some(sku), _) => Ok(sku.to_string()),
        (None, None, Some(family)) => sizes::family_default(family),
        (None, None, None) => setting(None, "default_vm_size", DEFAULT_SIZE),
    }
}

/// Whether the command line chooses the size itself.
fn sizes_given(args: &Args) -> bool {
    ["size", "vm-size", "vm-family"]
        .iter()
        .any(|name| args.value(name).is_some())
}

/// `--image`, else `--os`, else config's default.
fn image(args: &Args) -> Result<String, Failure> {
    match (args.value("image"), args.value("os")) {
        (Some(_), Some(_)) => Err(Failure::usage("pass --image or --os, not both")),
        (None, Some(os)) => image::from_os(os),
        (image, None) => setting(image, "default_vm_image", DEFAULT_IMAGE),
    }
}

/// `azlin-vm-<seconds>-<4 hex>`: existing azlin's names, with a random
/// suffix so two `new` in one second do not collide.
fn generated_name() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(host::now_ms());
    format!(
        "azlin-vm-{}-{:04x}",
        host::now_ms() / 1000,
        hasher.finish() & 0xffff
    )
}

/// `given`, else config.toml's `key`, else `default`.
fn setting(given: Option<&str>, key: &str, default: &str) -> Result<String, Failure> {
    match given {
        Some(value) => Ok(value.to_string()),
        None => Ok(host::config(key)?.unwrap_or_else(|| default.to_string())),
    }
}

/// `--rg`, else the active context's, else `default_resource_group`.
fn resource_group(args: &Args) -> Result<String, Failure> {
    if let Some(group) = args.value("resource-group") {
        return Ok(group.to_string());
    }
    if let Some(group) = settings::current_context()?.and_then(|context| context.resource_group) {
        return Ok(group);
    }
    host::config("default_resource_group")?.ok_or_else(|| {
        Failure::usage("no resource group for the new VM")
            .hint("pass --rg NAME or set one: azlin config set default_resource_group NAME")
    })
}

/// cloud-init for an azlin VM: tmux (for `connect`) unless `--no-tmux`,
/// the NFS home, and the repository cloned into `~/src` of the admin user
/// (the first user Azure makes, uid 1000). A URL with characters a shell or
/// YAML would read is refused.
fn cloud_init(args: &Args, disks: &[disks::Mounted]) -> Result<String, Failure> {
    let mut text = String::from("#cloud-config\npackage_update: true\npackages:\n");
    if !args.flag("no-tmux") {
        text.push_str("  - tmux\n");
    }
    text.push_str("  - git\n");
    let mut commands = Vec::new();
    let nfs = nfs_account(args)?;
    if nfs.is_some() && disks.iter().any(|mounted| mounted.at == "/home") {
        return Err(Failure::usage(
            "an NFS home and a home disk both mount /home; pass --no-nfs or leave out --home-disk-size",
        ));
    }
    if let Some(account) = nfs {
        text.push_str("  - nfs-common\n");
        commands.push(format!(
            "  - [sh, -c, 'mount -t nfs {account}.file.core.windows.net:/{account}/home /home -o vers=3,sec=sys']\n"
        ));
    }
    if let Some(repo) = args.value("repo") {
        let plain = repo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/._-~@%+=?&#,".contains(c));
        if !plain || repo.starts_with('-') {
            return Err(Failure::usage(format!(
                "--repo '{repo}' is not a plain git URL (letters, digits and :/._-~@%+=?&#, only)"
            )));
        }
        commands.push(format!(
            "  - [sh, -c, 'u=$(id -nu 1000) && sudo -u \"$u\" git clone \"{repo}\" \"/home/$u/src\"']\n"
        ));
    }
    text.push_str(&disks::cloud_init(disks));
    if !commands.is_empty() {
        text.push_str("runcmd:\n");
        text.push_str(&commands.concat());
    }
    Ok(text)
}

/// The storage account whose NFS share is mounted as /home: `--nfs-storage`,
/// else `default_nfs_storage`, none with `--no-nfs`. Azure's account names
/// are 3 to 24 lower-case letters and digits; anything else is refused.
fn nfs_account(args: &Args) -> Result<Option<String>, Failure> {
    if args.flag("no-nfs") {
        if args.value("nfs-storage").is_some() {
            return Err(Failure::usage("pass --nfs-storage or --no-nfs, not both"));
        }
        return Ok(None);
    }
    let account = match args.value("nfs-storage") {
        Some(account) => account.to_string(),
        None => match host::config("default_nfs_storage")? {
            Some(account) => account,
            None => return Ok(None),
        },
    };
    let valid = (3..=24).contains(&account.len())
        && account
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if !valid {
        return Err(Failure::usage(format!(
            "'{account}' is not a storage account name (3 to 24 lower-case letters and digits)"
        )));
    }
    Ok(Some(account))
}

azlin_sdk::export_command!(New);
