//! The fence around one plugin call's ARM writes: the subscription and
//! resource groups it may change. Set around the call as a task-local, it
//! is checked by the client against the final URL, as sent, just before each
//! write goes out, whatever path built it.

use super::AzureError;
use url::Url;

tokio::task_local! {
    static FENCE: Fence;
}

/// Where writes may go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    /// The subscription every write must stay in.
    pub subscription: String,
    /// Resource groups writes may touch; `None` allows every group.
    pub groups: Option<Vec<String>>,
}

impl Fence {
    /// Runs `work` with writes held to this fence.
    pub async fn hold<F: Future>(self, work: F) -> F::Output {
        FENCE.scope(self, work).await
    }

    /// Checks `url` (absolute, as it will be sent) against the fence held by
    /// this task, if any.
    pub fn check_current(url: &str) -> Result<(), AzureError> {
        FENCE.try_with(|fence| fence.check(url)).unwrap_or(Ok(()))
    }

    /// Whether a write to `url` stays inside the fence, judged on the path
    /// the URL parser will send (dot segments removed, escapes decoded).
    pub fn check(&self, url: &str) -> Result<(), AzureError> {
        let outside = |why: String| AzureError::OutOfScope {
            url: url.into(),
            why,
        };
        let parsed = Url::parse(url).map_err(|_| outside("it is not a URL".into()))?;
        let segments: Vec<String> = parsed
            .path_segments()
            .into_iter()
            .flatten()
            .map(|segment| {
                percent_encoding::percent_decode_str(segment)
                    .decode_utf8_lossy()
                    .into_owned()
            })
            .collect();
        let [first, subscription, groups, group, ..] = segments.as_slice() else {
            return Err(outside("it does not name a resource group".into()));
        };
        if !first.eq_ignore_ascii_case("subscriptions")
            || !groups.eq_ignore_ascii_case("resourceGroups")
        {
            return Err(outside("it does not name a resource group".into()));
        }
        if !subscription.eq_ignore_ascii_case(&self.subscription) {
            return Err(outside(format!(
                "subscription '{subscription}' is not this run's ('{}')",
                self.subscription
            )));
        }
        match &self.groups {
            Some(allowed) if !allowed.iter().any(|name| name.eq_ignore_ascii_case(group)) => {
                Err(outside(format!(
                    "resource group '{group}' is outside the plugin's scope ({})",
                    allowed.join(", ")
                )))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fence() -> Fence {
        Fence {
            subscription: "sub-1".into(),
            groups: Some(vec!["rg-1".into()]),
        }
    }

    #[test]
    fn writes_inside_the_fence_pass() {
        let url = "http://127.0.0.1:1/subscriptions/sub-1/resourceGroups/RG-1/providers/Microsoft.Compute/virtualMachines/vm/start?api-version=1";
        assert!(fence().check(url).is_ok());
    }

    #[test]
    fn climbing_encoding_and_other_groups_are_caught_on_the_final_url() {
        for url in [
            "http://h/subscriptions/sub-1/resourceGroups/rg-0/providers/x",
            "http://h/subscriptions/sub-1/resourceGroups/rg-1/../rg-0/providers/x",
            "http://h/subscriptions/sub-1/resourceGroups/rg-1/%2e%2e/rg-0/providers/x",
            "http://h/subscriptions/sub-1/resourceGroups/rg-1/providers/../../rg-0/x",
            "http://h/subscriptions/sub-2/resourceGroups/rg-1/providers/x",
            "http://h/subscriptions/sub-1/resourceGroups/rg-1/%2E%2E/%2E%2E/../sub-2/resourceGroups/rg-1/x",
            "http://h/subscriptions/sub-1",
            "http://h/providers/Microsoft.Compute/x",
        ] {
            assert!(fence().check(url).is_err(), "{url}");
        }
    }

    #[tokio::test]
    async fn the_fence_holds_only_inside_its_scope() {
        let url = "http://h/subscriptions/sub-1/resourceGroups/rg-0/providers/x";
        assert!(Fence::check_current(url).is_ok());
        let inside = fence().hold(async { Fence::check_current(url) }).await;
        assert!(inside.is_err());
    }
}
