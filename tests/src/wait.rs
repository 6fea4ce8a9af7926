//! Waiting on what other processes do in their own time: an sshd writing
//! its log, a background `azlin` exiting, a process going away. Each waits
//! for the condition itself, with a deadline that fails the test.

use crate::fleet::Fleet;
use std::path::Path;
use std::process::{Child, Output};
use std::time::{Duration, Instant};

/// How long any of these waits before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

/// Host `i`'s sshd log, once `done` holds for it.
pub fn for_log(fleet: &Fleet, i: usize, done: impl Fn(&str) -> bool) -> String {
    until(&format!("host {i}'s sshd log"), || {
        let log = fleet.log(i);
        done(&log).then_some(log)
    })
}

/// Waits until process `pid` has exited.
pub fn for_exit_of(pid: u64) {
    until(&format!("process {pid} to exit"), || {
        (!Path::new(&format!("/proc/{pid}")).exists()).then_some(())
    });
}

/// What a background run printed, once it exits.
pub async fn for_child(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("the wait finishes")
        .expect("the process exits")
}

fn until<T>(what: &str, mut ready: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = ready() {
            return value;
        }
        assert!(started.elapsed() < DEADLINE, "gave up waiting for {what}");
        std::thread::park_timeout(Duration::from_millis(20));
    }
}
