//! `azlin config init`: a first config.toml with the defaults commands fall
//! back on. Existing azlin asks for each in a wizard; here they are flags,
//! so a script can run it too.

use std::path::Path;

/// Writes `path` unless it exists (then only with `force`).
pub fn run(
    resource_group: Option<&str>,
    region: &str,
    vm_size: &str,
    force: bool,
    path: &Path,
) -> anyhow::Result<u8> {
    if path.exists() && !force {
        eprintln!(
            "error: {} exists already; your settings are kept\nhint: `azlin config show` shows them, `azlin config init --force` replaces the file",
            path.display()
        );
        return Ok(1);
    }
    let mut document = toml_edit::DocumentMut::new();
    if let Some(group) = resource_group {
        document["default_resource_group"] = toml_edit::value(group);
    }
    document["default_region"] = toml_edit::value(region);
    document["default_vm_size"] = toml_edit::value(vm_size);
    let text = format!(
        "# Written by `azlin config init`. Every key is optional; `azlin config set KEY VALUE`\n# changes one and keeps your comments.\n\n{document}"
    );
    crate::atomic_file::write(path, text.as_bytes())
        .map_err(|error| anyhow::anyhow!("cannot write {}: {error}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(0)
}
