//! Helpers for azlin's integration tests: an isolated user environment, a
//! builder that runs the built `azlin` binary in it, and golden files.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub mod signing;
pub mod sim;
mod terminal;
mod via;
pub mod wait;

pub use via::Via;

/// The real-sshd fleet and the delay proxy live in the simulator crate.
pub use azlin_sim::sshd::{delay, fleet};

/// Paths of the fixture plugin components, built by this crate's build script.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

/// How long a single `azlin` run may take before the test calls it hung.
const HANG_GUARD: Duration = Duration::from_secs(120);

/// An isolated azlin user: its own config, plugin and cache directories.
#[derive(Debug)]
pub struct Env {
    root: tempfile::TempDir,
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

impl Env {
    /// A fresh, empty environment.
    pub fn new() -> Self {
        let root = tempfile::tempdir().expect("create a temp dir");
        std::fs::create_dir_all(root.path().join("azlin/plugins")).expect("create the plugin dir");
        Self { root }
    }

    /// A fresh environment whose user reaches `fleet`'s sshd hosts as the
    /// fleet's user and key, with `rg-0` as the default resource group.
    pub fn reaching(fleet: &fleet::Fleet) -> Self {
        let env = Self::new();
        env.write_config(&format!(
            "default_resource_group = \"rg-0\"\n\n[ssh]\nuser = \"{}\"\nkey = \"{}\"\nknown_hosts = \"{}\"\n",
            fleet::Fleet::user(),
            fleet.client_key().display(),
            env.config_dir().join("known_hosts").display()
        ));
        env
    }

    /// `~/.azlin` of this environment.
    pub fn config_dir(&self) -> PathBuf {
        self.root.path().join("azlin")
    }

    /// The plugin directory.
    pub fn plugin_dir(&self) -> PathBuf {
        self.config_dir().join("plugins")
    }

    /// The cache directory (precompiled plugins live here).
    pub fn cache_dir(&self) -> PathBuf {
        self.root.path().join("cache")
    }

    /// The config file.
    pub fn config_file(&self) -> PathBuf {
        self.config_dir().join("config.toml")
    }

    /// Installs a fixture (or any component) as plugin `name` the way a user
    /// does, `azlin plugin install FILE --yes`: pinned, every capability it
    /// imports granted.
    pub fn install(&self, source: &str, name: &str) -> PathBuf {
        self.azlin(["plugin", "install", source, "--yes"]).success();
        let target = self.plugin_dir().join(format!("{name}.wasm"));
        assert!(
            target.is_file(),
            "installing {source} did not make {}",
            target.display()
        );
        target
    }

    /// Puts raw bytes in the plugin directory as `name.wasm`, unapproved,
    /// as a user copying a file there would.
    pub fn drop_plugin(&self, bytes: &[u8], name: &str) -> PathBuf {
        let target = self.plugin_dir().join(format!("{name}.wasm"));
        std::fs::write(&target, bytes).expect("write the plugin");
        target
    }

    /// Writes raw bytes to a file outside the plugin directory, for
    /// `azlin plugin install`.
    pub fn write_file(&self, bytes: &[u8], name: &str) -> PathBuf {
        let target = self.root.path().join(name);
        std::fs::write(&target, bytes).expect("write the file");
        target
    }

    /// Writes `config.toml`.
    pub fn write_config(&self, text: &str) {
        std::fs::write(self.config_file(), text).expect("write config.toml");
    }

    /// The system policy this environment's runs read (`AZLIN_SYSTEM_POLICY`,
    /// honoured because the machine has no `/etc/azlin/policy.toml`).
    pub fn system_policy(&self) -> PathBuf {
        self.root.path().join("system-policy.toml")
    }

    /// Writes the ops team's system policy.
    pub fn write_system_policy(&self, text: &str) -> PathBuf {
        std::fs::write(self.system_policy(), text).expect("write the system policy");
        self.system_policy()
    }

    /// The user's own policy, `~/.azlin/policy.toml`.
    pub fn write_user_policy(&self, text: &str) -> PathBuf {
        let path = self.config_dir().join("policy.toml");
        std::fs::write(&path, text).expect("write the user policy");
        path
    }

    /// Small limits, so hostile fixtures are stopped quickly.
    pub fn tight_limits(&self) {
        self.write_config("[plugin_limits]\nmemory_mib = 32\ncpu_seconds = 0.5\noutput_mib = 1\n");
    }

    /// Paths for constructing a runtime in this process.
    pub fn paths(&self) -> azlin::config::Paths {
        azlin::config::Paths::under(self.root.path())
    }

    /// A command line to run in this environment.
    pub fn azlin<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut command = Command::new(binary());
        command
            .args(args.into_iter().map(|arg| arg.as_ref().to_string()))
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.root.path())
            .env("AZLIN_CONFIG_DIR", self.config_dir())
            .env("AZLIN_CACHE_DIR", self.cache_dir())
            .env("AZLIN_SYSTEM_POLICY", self.system_policy())
            // In-process unless a test asks for the agent (`Run::through_agent`).
            .env("AZLIN_NO_AGENT", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        Run {
            command,
            stdin: None,
        }
    }
}

/// A prepared `azlin` invocation.
#[derive(Debug)]
pub struct Run {
    command: Command,
    /// Written to the run's standard input, then closed (else stdin is null).
    stdin: Option<Vec<u8>>,
}

/// What an `azlin` invocation printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.command.env(key, value);
        self
    }

    /// Runs through the background agent whose socket lives in `runtime_dir`.
    pub fn through_agent(mut self, runtime_dir: &Path) -> Self {
        self.command
            .env_remove("AZLIN_NO_AGENT")
            .env("XDG_RUNTIME_DIR", runtime_dir);
        self
    }

    /// The same invocation of another `azlin` binary (e.g. another build).
    pub fn program(self, program: &Path) -> Self {
        let mut command = Command::new(program);
        command
            .args(self.command.get_args())
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.give_environment(&mut command);
        Self {
            command,
            stdin: self.stdin,
        }
    }

    /// The same program and environment with other arguments (e.g. to stop
    /// the agent this run used).
    pub fn again<I, S>(&self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut command = Command::new(self.command.get_program());
        command
            .args(args.into_iter().map(|arg| arg.as_ref().to_string()))
            .env_clear()
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = self.command.get_current_dir() {
            command.current_dir(dir);
        }
        self.give_environment(&mut command);
        Self {
            command,
            stdin: None,
        }
    }

    /// Runs in `dir` (relative local paths are from here).
    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    /// Gives `command` (started with `env_clear`) this run's environment.
    fn give_environment(&self, command: &mut Command) {
        for (key, value) in self.command.get_envs() {
            if let Some(value) = value {
                command.env(key, value);
            }
        }
    }

    /// Pipes `bytes` into the run's standard input, then closes it.
    pub fn stdin(mut self, bytes: &[u8]) -> Self {
        self.command.stdin(Stdio::piped());
        self.stdin = Some(bytes.to_vec());
        self
    }

    /// Runs to completion (killing it past the hang guard).
    pub fn output(mut self) -> Output {
        let mut child = spawn(&mut self.command);
        if let (Some(bytes), Some(mut stdin)) = (self.stdin.take(), child.stdin.take()) {
            std::thread::spawn(move || {
                use std::io::Write;
                // A command may exit without reading it all.
                let _ = stdin.write_all(&bytes);
            });
        }
        let started = Instant::now();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        let out = std::thread::spawn(move || read_all(stdout));
        let err = std::thread::spawn(move || read_all(stderr));
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for azlin") {
                break status;
            }
            if started.elapsed() > HANG_GUARD {
                let _ = child.kill();
                panic!("azlin did not exit within {HANG_GUARD:?}");
            }
            std::thread::park_timeout(Duration::from_millis(5));
        };
        Output {
            code: status.code().unwrap_or(-1),
            stdout: out.join().expect("stdout reader"),
            stderr: err.join().expect("stderr reader"),
        }
    }

    /// Runs and asserts exit code 0.
    pub fn success(self) -> Output {
        let output = self.output();
        assert_eq!(
            output.code, 0,
            "azlin failed:\nstdout:\n{}\nstderr:\n{}",
            output.stdout, output.stderr
        );
        output
    }

    /// Runs and asserts exit code `code`.
    pub fn code(self, code: i32) -> Output {
        let output = self.output();
        assert_eq!(
            output.code, code,
            "unexpected exit code:\nstdout:\n{}\nstderr:\n{}",
            output.stdout, output.stderr
        );
        output
    }
}

fn read_all(mut stream: impl std::io::Read) -> String {
    let mut text = String::new();
    stream
        .read_to_string(&mut text)
        .expect("read azlin's output");
    text
}

/// The built `azlin` binary: `$AZLIN_BIN`, else next to this test's `deps/`
/// directory (cargo builds it for the host crate's own integration tests).
pub fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os("AZLIN_BIN") {
        return path.into();
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target/<profile>/deps/<test>");
    let binary = profile_dir.join("azlin");
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo test --workspace` (or scripts/test)",
        binary.display()
    );
    binary
}

/// The VM names of a `list -o json` that succeeded, in order.
pub fn vm_names(output: &Output) -> Vec<String> {
    assert_eq!(output.code, 0, "{}", output.stderr);
    let json: serde_json::Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", output.stdout));
    json["vms"]
        .as_array()
        .expect("vms")
        .iter()
        .map(|vm| vm["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Compares `actual` with `tests/golden/<name>`; `AZLIN_BLESS=1` rewrites it.
pub fn golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("golden")
        .join(name);
    if std::env::var_os("AZLIN_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("golden dir")).expect("create golden dir");
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run with AZLIN_BLESS=1 to create it",
            path.display()
        )
    });
    assert_eq!(
        actual,
        expected,
        "output differs from {} (AZLIN_BLESS=1 re-blesses it on purpose)",
        path.display()
    );
}

/// Starts `command`. A binary a test has just copied can be briefly "busy"
/// (ETXTBSY): another test's child, forked while the copy was open for
/// writing, holds the descriptor until it execs; it is tried again then.
fn spawn(command: &mut Command) -> std::process::Child {
    let started = Instant::now();
    loop {
        match command.spawn() {
            Err(error)
                if error.kind() == std::io::ErrorKind::ExecutableFileBusy
                    && started.elapsed() < Duration::from_secs(5) =>
            {
                std::thread::park_timeout(Duration::from_millis(10));
            }
            spawned => return spawned.expect("start azlin"),
        }
    }
}
