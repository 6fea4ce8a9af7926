//! `--home-disk-size` and `--tmp-disk-size`: empty data disks for /home (LUN
//! 0) and /tmp (LUN 1), partitioned and mounted by cloud-init before the
//! admin user's home is made, so that home lives on the disk.

use azlin_sdk::Failure;
use azlin_sdk::prelude::*;
use azlin_sdk::vms::DataDisk;

/// A disk and where it is mounted.
pub struct Mounted {
    pub disk: DataDisk,
    pub at: &'static str,
}

/// The disks the command line asks for.
pub fn wanted(args: &Args) -> Result<Vec<Mounted>, Failure> {
    let home = args.parse::<u32>("home-disk-size")?;
    if home.is_some() && args.flag("no-home-disk") {
        return Err(Failure::usage(
            "pass --home-disk-size or --no-home-disk, not both",
        ));
    }
    let mut disks = Vec::new();
    for (size, lun, at) in [
        (home, 0, "/home"),
        (args.parse::<u32>("tmp-disk-size")?, 1, "/tmp"),
    ] {
        match size {
            None => {}
            Some(size_gb @ 1..=32767) => disks.push(Mounted {
                disk: DataDisk { lun, size_gb },
                at,
            }),
            Some(size_gb) => {
                return Err(Failure::usage(format!(
                    "a {at} disk of {size_gb} GB: sizes are 1 to 32767 GB"
                )));
            }
        }
    }
    Ok(disks)
}

/// cloud-init's `disk_setup`, `fs_setup` and `mounts` for `disks`.
pub fn cloud_init(disks: &[Mounted]) -> String {
    if disks.is_empty() {
        return String::new();
    }
    let device = |disk: &Mounted| format!("/dev/disk/azure/scsi1/lun{}", disk.disk.lun);
    let mut text = String::from("disk_setup:\n");
    for disk in disks {
        text.push_str(&format!(
            "  {}: {{table_type: gpt, layout: true, overwrite: false}}\n",
            device(disk)
        ));
    }
    text.push_str("fs_setup:\n");
    for disk in disks {
        text.push_str(&format!(
            "  - {{label: azlin{}, filesystem: ext4, device: {}, partition: auto}}\n",
            disk.disk.lun,
            device(disk)
        ));
    }
    text.push_str("mounts:\n");
    for disk in disks {
        text.push_str(&format!(
            "  - [{}-part1, {}, ext4, \"defaults,nofail\", \"0\", \"2\"]\n",
            device(disk),
            disk.at
        ));
    }
    text
}
