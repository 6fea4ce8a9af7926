//! Builds azlin's Wasm command plugins from a build script: runs cargo for
//! `wasm32-wasip2` into a target directory of its own (so it never waits on
//! the outer build's lock) and reports where each component landed.

use sha2::{Digest, Sha256};
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Rust target the plugins are built for; cargo emits components directly.
pub const TARGET: &str = "wasm32-wasip2";
/// Cargo profile of the plugins (see the workspace `Cargo.toml`).
pub const PROFILE: &str = "plugin";

/// One built plugin component.
#[derive(Debug, Clone)]
pub struct Plugin {
    /// Command name: the package name without its `azlin-plugin-` or `fixture-` prefix.
    pub name: String,
    /// Path of the built `.wasm` component.
    pub path: PathBuf,
    /// Hex sha256 of the component's bytes.
    pub sha256: String,
}

/// The workspace root, from the calling build script's manifest directory.
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("run from a build script"));
    manifest
        .ancestors()
        .find(|dir| dir.join("wit").is_dir() && dir.join("plugins").is_dir())
        .expect("the build script's crate lives inside the azlin workspace")
        .to_path_buf()
}

/// Package names of the plugin crates directly under `dir` (`<dir>/<name>/Cargo.toml`),
/// sorted, skipping `skip`.
pub fn packages_in(dir: &Path, prefix: &str, skip: &[&str]) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", dir.display()))
        .filter_map(Result::ok)
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .filter_map(|entry| entry.file_name().into_string().ok())
        .filter(|name| !skip.contains(&name.as_str()))
        .map(|name| format!("{prefix}{name}"))
        .collect();
    names.sort();
    names
}

/// Builds `packages` for [`TARGET`] and returns their components. Tells cargo
/// to rerun the calling build script when the WIT, the SDK, a package or the
/// set of workspace crates changes.
pub fn build(packages: &[String], package_dirs: &[PathBuf]) -> Vec<Plugin> {
    let root = workspace_root();
    // Cargo.lock changes when a plugin crate joins the workspace, so a new
    // plugin is noticed without watching (and rebuilding for) every other one.
    let watched = [
        root.join("wit"),
        root.join("plugins/sdk"),
        root.join("Cargo.lock"),
    ];
    for dir in watched.iter().chain(package_dirs) {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let target_dir = plugin_target_dir(&root);
    run_cargo(&root, &target_dir, packages);
    let out = target_dir.join(TARGET).join(PROFILE);
    packages
        .iter()
        .map(|package| built(&out, package))
        .collect()
}

/// Builds the out-of-tree plugin crate in `dir` (a workspace of its own, as
/// a third party's would be) the way docs/plugins.md tells its author to:
/// `cargo build --release --target wasm32-wasip2`.
pub fn build_out_of_tree(dir: &Path) -> Plugin {
    let root = workspace_root();
    for watched in [
        dir.join("src"),
        dir.join("Cargo.toml"),
        root.join("wit"),
        root.join("plugins/sdk"),
    ] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }
    let target_dir = plugin_target_dir(&root).join("examples");
    let mut command = cargo_command(dir);
    command
        .args([
            "build",
            "--quiet",
            "--locked",
            "--release",
            "--target",
            TARGET,
        ])
        .arg("--target-dir")
        .arg(&target_dir);
    run(command);
    let package = dir
        .file_name()
        .expect("a crate directory")
        .to_string_lossy()
        .into_owned();
    built(&target_dir.join(TARGET).join("release"), &package)
}

fn plugin_target_dir(root: &Path) -> PathBuf {
    let outer = env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    outer.join("plugins")
}

fn run_cargo(root: &Path, target_dir: &Path, packages: &[String]) {
    let mut command = cargo_command(root);
    command
        .args(["build", "--quiet", "--target", TARGET, "--profile", PROFILE])
        .arg("--target-dir")
        .arg(target_dir);
    for package in packages {
        command.args(["-p", package]);
    }
    run(command);
}

/// Cargo in `dir`, without the outer build's settings.
fn cargo_command(dir: &Path) -> Command {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(cargo);
    command.current_dir(dir);
    for var in [
        "CARGO_ENCODED_RUSTFLAGS",
        "RUSTFLAGS",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "CARGO_BUILD_TARGET",
        "CARGO_TARGET_DIR",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
    ] {
        command.env_remove(var);
    }
    command
}

fn run(mut command: Command) {
    let output = command
        .output()
        .expect("cargo can be started from a build script");
    if !output.status.success() {
        panic!(
            "building the Wasm plugins failed.\n{}\nhint: run scripts/setup (it installs the {TARGET} target with `rustup target add {TARGET}`)",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

fn built(out: &Path, package: &str) -> Plugin {
    let path = out.join(format!("{}.wasm", package.replace('-', "_")));
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|error| panic!("plugin {package} built no {}: {error}", path.display()));
    let name = package
        .strip_prefix("azlin-plugin-")
        .or_else(|| package.strip_prefix("fixture-"))
        .unwrap_or(package)
        .to_string();
    Plugin {
        name,
        path,
        sha256: hex::encode(Sha256::digest(&bytes)),
    }
}
