//! Plugin text on its way to the user: escape sequences, a one-byte CSI and
//! a bidi override from a hostile plugin reach stdout and stderr as visible
//! escapes through every sink, in every format, in-process and through the
//! agent, on a pipe and on a terminal; JSON parses back to what the plugin
//! wrote; CSV text cannot start a formula. A plugin whose metadata would
//! forge the install question is refused, and nothing is installed.

use azlin_tests::{Env, Output, Run, fixtures};
use std::path::Path;

/// What the garbler writes (see `tests/fixtures/plugins/garbler`).
const PAYLOAD: &str =
    "T\x1b]0;owned\x07 A\x1b[?1049h C\x1b]52;c;ZWNobyBvd25lZA==\x07 S\u{9b}2J B\u{202e}gnp.exe";
/// The same, as the user sees it.
const SHOWN: &str = "T\\x1b]0;owned\\x07 A\\x1b[?1049h C\\x1b]52;c;ZWNobyBvd25lZA==\\x07 S\\u{9b}2J B\\u{202e}gnp.exe";
/// A text cell that a spreadsheet would run as a formula.
const FORMULA: &str = "=cmd|' /C calc'!A0";
/// Pieces of the payload that must never arrive as themselves (azlin's own
/// colours and progress bars use other sequences).
const RAW: [&str; 6] = [
    "\x1b]0;owned",
    "\x1b[?1049h",
    "\x1b]52;",
    "\u{9b}",
    "\u{202e}",
    "\x07",
];

const SINKS: [&str; 10] = [
    "table", "record", "text", "warn", "progress", "confirm", "choose", "fail", "panic", "log",
];
const FORMATS: [&str; 3] = ["table", "json", "csv"];

/// A user with the garbler installed; runs go through an agent of their
/// own when `agent` is set, stopped when the user is dropped.
struct User {
    env: Env,
    agent: Option<tempfile::TempDir>,
}

impl User {
    fn new(agent: bool) -> Self {
        let env = Env::new();
        env.install(fixtures::GARBLER, "garble");
        let agent = agent.then(|| tempfile::tempdir().expect("a runtime dir"));
        Self { env, agent }
    }

    fn azlin(&self, args: &[&str]) -> Run {
        let run = self.env.azlin(args);
        match &self.agent {
            Some(runtime) => run.through_agent(runtime.path()),
            None => run,
        }
    }

    fn garble(&self, sink: &str, format: &str) -> Output {
        self.azlin(&["garble", "--via", sink, "-o", format, "-v"])
            .output()
    }
}

impl Drop for User {
    fn drop(&mut self) {
        if self.agent.is_some() {
            let _ = self.azlin(&["agent", "stop"]).output();
        }
    }
}

/// Control and bidi characters in `text`, but newlines.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control()
                    || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'))
        })
        .collect()
}

/// Neither stream of a run off a terminal holds a control or bidi
/// character but newlines.
fn assert_neutral(output: &Output, what: &str) {
    for (stream, text) in [("stdout", &output.stdout), ("stderr", &output.stderr)] {
        let raw = raw_controls(text);
        assert!(
            raw.is_empty(),
            "{what}: {raw:?} reached {stream} raw: {text:?}"
        );
    }
}

/// Nothing of the payload reached a terminal's output raw.
fn assert_no_raw_payload(output: &Output, what: &str) {
    for raw in RAW {
        assert!(
            !output.stdout.contains(raw) && !output.stderr.contains(raw),
            "{what}: {raw:?} reached the terminal raw: {:?} {:?}",
            output.stdout,
            output.stderr
        );
    }
}

fn json(output: &Output, what: &str) -> serde_json::Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{what}: {error}: {:?}", output.stdout))
}

/// What `sink` must have shown in `format`, neutralised.
fn assert_shown(sink: &str, format: &str, output: &Output, what: &str) {
    let (stdout, stderr) = (&output.stdout, &output.stderr);
    let has = |text: &str, part: &str| {
        assert!(text.contains(part), "{what}: no {part:?} in {text:?}");
    };
    let guarded = format!("'{FORMULA}");
    match (sink, format) {
        ("table", "table") => {
            has(stdout, &format!("Title {SHOWN}"));
            has(stdout, &format!("│ {SHOWN} "));
            has(stdout, &format!("┆ {FORMULA} ┆"));
            has(stdout, "-5 ┆ plain");
        }
        ("table", "json") => {
            let row = &json(output, what)["garbage"][0];
            assert_eq!(row["text"], PAYLOAD, "{what}");
            assert_eq!(row[format!("key {PAYLOAD}")], "plain", "{what}");
            assert_eq!(row["formula"], FORMULA, "{what}");
            assert_eq!(row["number"], -5, "{what}");
            has(stdout, "\\u001b]0;owned\\u0007");
            has(stdout, "\\u009b2J B\\u202egnp.exe");
        }
        ("table", "csv") => {
            has(stdout, &format!("text,formula,number,key {SHOWN}\n"));
            has(stdout, &format!("\n{SHOWN},{guarded},-5,plain\n"));
        }
        ("record", "table") => has(stdout, &format!("field {SHOWN}  {SHOWN}\n")),
        ("record", "json") => {
            let record = &json(output, what)["garbage"];
            assert_eq!(record[format!("field {PAYLOAD}")], PAYLOAD, "{what}");
            assert_eq!(record["formula"], FORMULA, "{what}");
        }
        ("record", "csv") => {
            has(stdout, &format!("field {SHOWN},{SHOWN}\n"));
            has(stdout, &format!("formula,{guarded}\n"));
            has(stdout, "number,-5\n");
        }
        ("text", "table") => has(stdout, &format!("{SHOWN}\n")),
        ("text", "json") => assert_eq!(json(output, what)["messages"][0], PAYLOAD, "{what}"),
        ("text", "csv") => assert!(!stdout.contains("owned"), "{what}: text is left out"),
        ("warn", _) => has(stderr, &format!("warning: {SHOWN}\n")),
        ("progress", _) => assert!(!stderr.contains("owned"), "{what}: no bars off a terminal"),
        ("confirm", _) => {
            has(stderr, &format!("error: {SHOWN} (cannot ask"));
            has(stderr, &format!("hint: {SHOWN}\n"));
        }
        ("choose", _) | ("fail", _) => has(stderr, &format!("error: {SHOWN}\nhint: {SHOWN}\n")),
        ("panic", _) => has(stderr, SHOWN),
        ("log", _) => assert_eq!(
            stderr.matches(&format!("  {SHOWN}\n")).count(),
            2,
            "{what}: {stderr:?}"
        ),
        other => panic!("no expectation for {other:?}"),
    }
}

fn expected_code(sink: &str) -> i32 {
    match sink {
        "confirm" => 1,
        "choose" => 2,
        "fail" => 3,
        "panic" => 70,
        "log" => 1,
        _ => 0,
    }
}

/// Every sink in every format: neutralised, and shown.
fn every_sink_in_every_format(user: &User) {
    for sink in SINKS {
        for format in FORMATS {
            let what = format!("--via {sink} -o {format}");
            let output = user.garble(sink, format);
            assert_eq!(output.code, expected_code(sink), "{what}: {output:?}");
            assert_neutral(&output, &what);
            assert_shown(sink, format, &output, &what);
        }
    }
}

#[test]
fn plugin_text_reaches_a_pipe_neutralised_through_every_sink_and_format() {
    every_sink_in_every_format(&User::new(false));
}

#[test]
fn plugin_text_from_a_run_in_the_agent_reaches_the_client_neutralised() {
    every_sink_in_every_format(&User::new(true));
}

/// Questions, progress and a table on a terminal (colour and all): the
/// payload shown escaped, never raw.
fn on_a_terminal(user: &User) {
    let question = user
        .azlin(&["garble", "--via", "confirm"])
        .on_terminal("y\n");
    assert_eq!(question.code, 0, "{question:?}");
    assert_no_raw_payload(&question, "confirm");
    assert!(
        question.stdout.contains(&format!("{SHOWN} [y/N] "))
            && question.stdout.contains("confirmed: true"),
        "{question:?}"
    );

    let choice = user
        .azlin(&["garble", "--via", "choose"])
        .on_terminal("1\n");
    assert_eq!(choice.code, 0, "{choice:?}");
    assert_no_raw_payload(&choice, "choose");
    assert!(
        choice
            .stdout
            .contains(&format!("{SHOWN}\r\n  1) {SHOWN}\r\n"))
            && choice.stdout.contains("picked: Some(0)"),
        "{choice:?}"
    );

    for sink in [
        "table", "record", "text", "warn", "progress", "fail", "panic",
    ] {
        // A terminal type, so progress bars are drawn.
        let output = user
            .azlin(&["garble", "--via", sink])
            .env("TERM", "xterm")
            .on_terminal("");
        assert_eq!(output.code, expected_code(sink), "{sink}: {output:?}");
        assert_no_raw_payload(&output, sink);
        assert!(
            output.stdout.contains("\\x1b]0;owned\\x07"),
            "{sink}: {output:?}"
        );
    }
}

#[test]
fn plugin_questions_and_output_on_a_terminal_are_neutralised() {
    on_a_terminal(&User::new(false));
}

#[test]
fn plugin_questions_and_output_through_the_agent_on_a_terminal_are_neutralised() {
    on_a_terminal(&User::new(true));
}

/// Nothing of `forged` was installed: no file, no approval.
fn assert_nothing_installed(env: &Env) {
    let files: Vec<_> = std::fs::read_dir(env.plugin_dir())
        .expect("the plugin dir")
        .map(|entry| entry.expect("an entry").file_name())
        .collect();
    assert!(files.is_empty(), "the plugin dir holds {files:?}");
    let lock = env.config_dir().join("plugins.lock");
    let pinned = std::fs::read_to_string(&lock).unwrap_or_default();
    assert!(!pinned.contains("forged"), "{}: {pinned}", lock.display());
}

fn assert_refused_naming_the_version(output: &Output, what: &str) {
    assert_ne!(output.code, 0, "{what}: {output:?}");
    assert_neutral(output, what);
    assert!(
        output.stderr.contains(
            "version '1.0.0\\x1b[2K\\rneeds: cache' is not a semantic version: give it as MAJOR.MINOR.PATCH"
        ),
        "{what}: {:?}",
        output.stderr
    );
}

#[test]
fn a_plugin_with_a_forged_version_is_refused_at_install_and_nothing_is_written() {
    let env = Env::new();
    let install = env
        .azlin(["plugin", "install", fixtures::FORGED, "--yes"])
        .output();
    assert_refused_naming_the_version(&install, "install --yes");
    assert_nothing_installed(&env);

    let asked = env
        .azlin(["plugin", "install", fixtures::FORGED])
        .on_terminal("y\n");
    assert_ne!(asked.code, 0, "{asked:?}");
    assert_no_raw_payload(&asked, "install on a terminal");
    assert!(!asked.stdout.contains("\x1b[2K"), "{asked:?}");
    assert!(
        !asked.stdout.contains("grant") && asked.stdout.contains("is not a semantic version"),
        "the question is never put: {asked:?}"
    );
    assert_nothing_installed(&env);

    let inspect = env.azlin(["plugin", "inspect", fixtures::FORGED]).output();
    assert_refused_naming_the_version(&inspect, "inspect");
}

#[test]
fn a_forged_plugin_dropped_in_the_plugin_dir_shows_nothing_raw() {
    let env = Env::new();
    // Installing it once caches its description, which `--help` could use.
    let install = env
        .azlin(["plugin", "install", fixtures::FORGED, "--yes"])
        .output();
    assert_refused_naming_the_version(&install, "install");
    let bytes = std::fs::read(Path::new(fixtures::FORGED)).expect("the fixture");
    env.drop_plugin(&bytes, "forged");

    for format in FORMATS {
        let list = env.azlin(["plugin", "list", "-o", format]).output();
        assert_eq!(list.code, 0, "{list:?}");
        assert_neutral(&list, &format!("plugin list -o {format}"));
        assert!(!list.stdout.contains("forged metadata"), "{list:?}");
    }
    for args in [
        &["forged", "--help"][..],
        &["help", "forged"],
        &["--help"],
        &["forged"],
    ] {
        let output = env.azlin(args).output();
        assert_neutral(&output, &format!("{args:?}"));
        assert!(
            !output.stdout.contains("forged metadata") && !output.stdout.contains("needs: cache"),
            "{args:?}: {output:?}"
        );
    }
}
