//! What a plugin that passed vetting is given: its capabilities, the
//! ceilings on its limits, and the scope (`plugin::Scope`) its host calls
//! are checked against.

use super::file::{At, Ceilings};
use crate::plugin::{Bound, Capability, Limits, Scope};
use std::time::Duration;

/// A limit a policy lowered, with the line that did it.
#[derive(Debug, Clone, PartialEq)]
pub struct Ceiling<T> {
    pub value: T,
    pub at: At,
}

/// What one run of a vetted plugin may do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grant {
    /// Capabilities granted (a superset of those its imports need).
    pub capabilities: Vec<Capability>,
    pub memory_bytes: Option<Ceiling<usize>>,
    pub cpu_time: Option<Ceiling<Duration>>,
    pub wall_time: Option<Ceiling<Duration>>,
    pub output_bytes: Option<Ceiling<u64>>,
    pub scope: Scope,
}

impl Grant {
    /// `limits` lowered to this grant's ceilings.
    pub fn cap(&self, limits: Limits) -> Limits {
        Limits {
            memory_bytes: self
                .memory_bytes
                .as_ref()
                .map_or(limits.memory_bytes, |ceiling| {
                    ceiling.value.min(limits.memory_bytes)
                }),
            cpu_time: self.cpu_time.as_ref().map_or(limits.cpu_time, |ceiling| {
                ceiling.value.min(limits.cpu_time)
            }),
            wall_time: self.wall_time.as_ref().map_or(limits.wall_time, |ceiling| {
                ceiling.value.min(limits.wall_time)
            }),
            output_bytes: self
                .output_bytes
                .as_ref()
                .map_or(limits.output_bytes, |ceiling| {
                    ceiling.value.min(limits.output_bytes)
                }),
        }
    }

    /// Lowers the ceilings with those a policy line sets.
    pub fn lower(&mut self, ceilings: &Ceilings, at: &At) {
        let mib = |mib: f64| (mib * (1u64 << 20) as f64) as u64;
        if let Some(value) = ceilings.memory_mib {
            lower(&mut self.memory_bytes, mib(value) as usize, at);
        }
        if let Some(value) = ceilings.cpu_seconds {
            lower(&mut self.cpu_time, crate::clock::seconds(value), at);
        }
        if let Some(value) = ceilings.wall_seconds {
            lower(&mut self.wall_time, crate::clock::seconds(value), at);
        }
        if let Some(value) = ceilings.output_mib {
            lower(&mut self.output_bytes, mib(value), at);
        }
        if let Some(value) = ceilings.max_hosts
            && self
                .scope
                .max_hosts
                .as_ref()
                .is_none_or(|current| value < current.value)
        {
            self.scope.max_hosts = Some(Bound {
                value,
                at: at.to_string(),
            });
        }
        if let Some(groups) = &ceilings.resource_groups {
            let kept = match &self.scope.resource_groups {
                Some(current) => current
                    .value
                    .iter()
                    .filter(|name| groups.iter().any(|group| group.eq_ignore_ascii_case(name)))
                    .cloned()
                    .collect(),
                None => groups.clone(),
            };
            self.scope.resource_groups = Some(Bound {
                value: kept,
                at: at.to_string(),
            });
        }
    }
}

fn lower<T: PartialOrd>(slot: &mut Option<Ceiling<T>>, value: T, at: &At) {
    if slot.as_ref().is_none_or(|current| value < current.value) {
        *slot = Some(Ceiling {
            value,
            at: at.clone(),
        });
    }
}
