//! What vetting adds to every run of a third-party plugin: reading the
//! system and user policies and plugins.lock, hashing nothing new (the
//! digest is computed when the bytes are read), and verifying a minisign
//! signature over a 128 KiB component; then granting its capabilities.

use azlin::config::Paths;
use azlin::plugin::{Bytes, Capability, Entry, Origin};
use azlin::policy::{Lock, Pinned, Vetting};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::Cursor;

fn main() {
    divan::main();
}

/// An installed, signed plugin under a policy that requires signatures.
struct Installed {
    _dir: tempfile::TempDir,
    vetting: Vetting,
    entry: Entry,
    bytes: Bytes,
}

impl Installed {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let paths = Paths::under(dir.path());
        std::fs::create_dir_all(&paths.plugin_dir).expect("plugin dir");
        let component: Vec<u8> = (0..128 * 1024).map(|index| (index % 251) as u8).collect();
        let sha256 = hex::encode(Sha256::digest(&component));
        let file = paths.plugin_dir.join("bench.wasm");
        std::fs::write(&file, &component).expect("plugin file");
        let keys = minisign::KeyPair::generate_unencrypted_keypair().expect("keys");
        let signature = minisign::sign(
            Some(&keys.pk),
            &keys.sk,
            Cursor::new(&component),
            None,
            None,
        )
        .expect("sign");
        std::fs::write(file.with_extension("wasm.minisig"), signature.into_string())
            .expect("signature file");
        let mut vetting = Vetting::new(&paths);
        vetting.system_policy = dir.path().join("system-policy.toml");
        std::fs::write(
            &vetting.system_policy,
            format!(
                "require_signature = true\n\n[[publisher]]\nname = \"bench\"\nkey = \"{}\"\n\n[[plugin]]\npublisher = \"bench\"\ngrants = [\"azure-read\", \"ssh-exec\"]\nlimits = {{ max_hosts = 50 }}\n",
                keys.pk.to_base64()
            ),
        )
        .expect("system policy");
        Lock::change(&vetting.lock, |lock| {
            lock.plugins.insert(
                "bench".into(),
                Pinned {
                    version: "0.1.0".into(),
                    sha256: sha256.clone(),
                    needs: vec!["azure-read".into(), "ssh-exec".into()],
                    grants: vec!["azure-read".into(), "ssh-exec".into()],
                    publisher: Some("bench".into()),
                    enabled: true,
                },
            );
        })
        .expect("lock file");
        Self {
            _dir: dir,
            vetting,
            entry: Entry {
                name: "bench".into(),
                origin: Origin::File(file),
                shadowed: false,
            },
            bytes: Bytes {
                bytes: Cow::Owned(component),
                sha256,
            },
        }
    }
}

/// Admission of a signed third-party plugin's bytes, then its grant.
#[divan::bench]
fn admit_and_grant_a_signed_plugin(bencher: divan::Bencher) {
    let installed = Installed::new();
    bencher.bench(|| {
        let admitted = installed
            .vetting
            .admit(&installed.entry, &installed.bytes)
            .expect("admitted");
        admitted
            .grant(&[Capability::AzureRead, Capability::SshExec])
            .expect("granted")
    });
}

/// Admission of a built-in: only the policies are read.
#[divan::bench]
fn admit_a_builtin(bencher: divan::Bencher) {
    let installed = Installed::new();
    let builtin = Entry {
        name: "list".into(),
        origin: Origin::Builtin,
        shadowed: false,
    };
    bencher.bench(|| {
        installed
            .vetting
            .admit(&builtin, &installed.bytes)
            .expect("admitted")
            .grant(&[Capability::AzureRead])
            .expect("granted")
    });
}
