//! Running `azlin` the ways a user at a terminal does: on a pseudo-terminal
//! (util-linux `script`) with typed input, for questions and in-place
//! redraws; or in the background, to be interrupted like Ctrl-C.

use super::{HANG_GUARD, Output, Run};
use std::ffi::OsStr;
use std::io::Write;
use std::process::{Child, Command, Stdio};

impl Run {
    /// Starts the run in the background; its output stays piped.
    pub fn spawn(mut self) -> Child {
        self.command.spawn().expect("start azlin")
    }

    /// Sends SIGINT (what Ctrl-C sends) to a run started with [`Run::spawn`].
    pub fn interrupt(child: &Child) {
        let status = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .expect("run kill(1)");
        assert!(status.success(), "kill -INT failed");
    }

    /// Runs on a pseudo-terminal (stdin, stdout and stderr all on it) with
    /// `input` typed in; stdout and stderr arrive together in `stdout`. A
    /// run past the hang guard is killed (exit 124).
    pub fn on_terminal(self, input: &str) -> Output {
        let guard = HANG_GUARD.as_secs().to_string();
        // `--foreground` keeps azlin in the terminal's foreground process
        // group, or reading its answer would stop it (SIGTTIN).
        let timeout = ["timeout", "--foreground", &guard].map(OsStr::new);
        let line: Vec<String> = timeout
            .into_iter()
            .chain(std::iter::once(self.command.get_program()))
            .chain(self.command.get_args())
            .map(|part| quote(&part.to_string_lossy()))
            .collect();
        let mut script = Command::new("script");
        script
            .args(["-q", "-e", "-c", &line.join(" "), "/dev/null"])
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        self.give_environment(&mut script);
        let mut child = script.spawn().expect("run script(1) (util-linux)");
        let mut stdin = child.stdin.take().expect("piped stdin");
        stdin
            .write_all(input.as_bytes())
            .expect("type into the terminal");
        drop(stdin);
        let output = child.wait_with_output().expect("wait for script(1)");
        Output {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

impl Run {
    /// `sh -c "BEFORE; azlin …; AFTER"` in this run's environment, for a
    /// pseudo-terminal driver to start: `before` can size the terminal and
    /// save its settings, `after` sees azlin's exit status in `$?`.
    pub fn within_shell(self, before: &str, after: &str) -> Command {
        let line: Vec<String> = std::iter::once(self.command.get_program())
            .chain(self.command.get_args())
            .map(|part| quote(&part.to_string_lossy()))
            .collect();
        let mut shell = Command::new("sh");
        shell
            .args(["-c", &format!("{before}; {}; {after}", line.join(" "))])
            .env_clear();
        self.give_environment(&mut shell);
        shell
    }
}

/// `text` quoted for `sh -c`.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}
