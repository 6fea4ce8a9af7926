//! How often one run may make the host re-read Azure (`refresh: true` in a
//! VM filter): a scope re-read within the last [`COALESCE`] is answered from
//! that reading, and re-reads of other scopes draw on a small budget that
//! refills at [`PER_SECOND`], so a loop of refreshes cannot spend the
//! subscription's read quota.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// A refresh this soon after the last one of the same scope is served from it.
pub const COALESCE: Duration = Duration::from_secs(10);
/// Re-reads a run may make at once.
const BURST: f64 = 5.0;
/// Re-reads the budget regains per second.
const PER_SECOND: f64 = 1.0;

/// One run's refreshes so far.
#[derive(Debug)]
pub struct Refreshes {
    /// When each scope (a resource group, lowercased; `None`: all) was last re-read.
    last: HashMap<Option<String>, Instant>,
    budget: f64,
    counted_at: Instant,
}

impl Default for Refreshes {
    fn default() -> Self {
        Self {
            last: HashMap::new(),
            budget: BURST,
            counted_at: Instant::now(),
        }
    }
}

impl Refreshes {
    /// Whether a refresh of `group` now really re-reads Azure; if not, the
    /// cached answer (at most [`COALESCE`] old for a scope just re-read) is used.
    pub fn allow(&mut self, group: Option<&str>) -> bool {
        let now = Instant::now();
        let scope = group.map(str::to_lowercase);
        if self
            .last
            .get(&scope)
            .is_some_and(|at| now.duration_since(*at) < COALESCE)
        {
            return false;
        }
        let regained = now.duration_since(self.counted_at).as_secs_f64() * PER_SECOND;
        self.budget = (self.budget + regained).min(BURST);
        self.counted_at = now;
        if self.budget < 1.0 {
            return false;
        }
        self.budget -= 1.0;
        self.last.insert(scope, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scope_is_reread_once_and_others_draw_on_a_budget() {
        let mut refreshes = Refreshes::default();
        assert!(refreshes.allow(Some("rg-a")));
        assert!(!refreshes.allow(Some("RG-A")), "coalesced with the first");
        let others = (0..20)
            .filter(|n| refreshes.allow(Some(&format!("rg-{n}"))))
            .count();
        assert_eq!(
            others as f64,
            BURST - 1.0,
            "the rest of the burst, then none"
        );
        assert!(!refreshes.allow(None));
    }
}
