//! `azlin new`: create VMs with a NIC, a public IP (unless
//! `--no-public-ip`), the user's SSH key and cloud-init that installs tmux
//! (and clones `--repo`), waited for, then shown like `show`.

use azlin_sdk::output::{Table, column};
use azlin_sdk::prelude::*;
use azlin_sdk::vms::NewVm;

/// Existing azlin's `--size` tiers and the SKUs they stand for.
const TIERS: [(&str, &str); 6] = [
    ("xs", "Standard_D2s_v5"),
    ("s", "Standard_D4s_v5"),
    ("m", "Standard_D8s_v5"),
    ("l", "Standard_E16as_v5"),
    ("xl", "Standard_E32as_v5"),
    ("xxl", "Standard_E64as_v5"),
];
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
    }

    fn run(args: Args) -> Result<(), Failure> {
        let base = match args.value("name") {
            Some(name) => name.to_string(),
            None => format!("azlin-vm-{}", host::now_ms() / 1000),
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
        let template = NewVm {
            name: String::new(),
            resource_group: resource_group(&args)?,
            location: setting(args.value("region"), "default_region", DEFAULT_REGION)?,
            size: size(&args)?,
            image: setting(args.value("image"), "default_vm_image", DEFAULT_IMAGE)?,
            admin_user: None,
            public_ip: !args.flag("no-public-ip"),
            cloud_init: Some(cloud_init(args.value("repo"))?),
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
        for name in names {
            output::progress(&format!("creating {name}"), 0, None);
            let vm = vms::create(&NewVm {
                name,
                ..template.clone()
            })?;
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

/// `--size` (a tier or a SKU), else `--vm-size`, else config's default.
fn size(args: &Args) -> Result<String, Failure> {
    if let Some(size) = args.value("size") {
        return Ok(
            match TIERS
                .iter()
                .find(|(tier, _)| tier.eq_ignore_ascii_case(size))
            {
                Some((_, sku)) => sku.to_string(),
                None if size.contains('_') => size.to_string(),
                None => {
                    let tiers: Vec<&str> = TIERS.iter().map(|(tier, _)| *tier).collect();
                    return Err(Failure::usage(format!(
                        "--size {size} is neither a tier ({}) nor a SKU like Standard_D2s_v5",
                        tiers.join(", ")
                    )));
                }
            },
        );
    }
    setting(args.value("vm-size"), "default_vm_size", DEFAULT_SIZE)
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

/// cloud-init for an azlin VM: tmux (for `connect`), and the repository
/// cloned into `~/src` of the admin user (the first user Azure makes, uid
/// 1000). A URL with characters a shell or YAML would read is refused.
fn cloud_init(repo: Option<&str>) -> Result<String, Failure> {
    let mut text =
        String::from("#cloud-config\npackage_update: true\npackages:\n  - tmux\n  - git\n");
    if let Some(repo) = repo {
        let plain = repo
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ":/._-~@%+=?&#,".contains(c));
        if !plain || repo.starts_with('-') {
            return Err(Failure::usage(format!(
                "--repo '{repo}' is not a plain git URL (letters, digits and :/._-~@%+=?&#, only)"
            )));
        }
        text.push_str(&format!(
            "runcmd:\n  - [sh, -c, 'u=$(id -nu 1000) && sudo -u \"$u\" git clone \"{repo}\" \"/home/$u/src\"']\n"
        ));
    }
    Ok(text)
}

azlin_sdk::export_command!(New);
