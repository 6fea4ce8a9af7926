//! The ARM client: bearer-token requests with retries, `nextLink` paging and
//! long-running operations, against one endpoint and subscription.

use super::models::{ArmError, AsyncOperation, Page};
use super::retry::{self, RetryPolicy};
use super::{AzureError, Endpoint, Fence, Tokens, notes};
use reqwest::header::RETRY_AFTER;
use reqwest::{Method, Response};
use serde::de::DeserializeOwned;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long a long-running operation may take before azlin stops waiting.
const OPERATION_BOUND: Duration = Duration::from_secs(900);
/// Pause between polls when Azure does not say.
const DEFAULT_POLL: Duration = Duration::from_secs(2);

/// A client for one ARM endpoint and subscription.
#[derive(Debug)]
pub struct ArmClient {
    /// Made on the first request: a run the cache answers skips loading
    /// the system's TLS roots.
    http: OnceLock<reqwest::Client>,
    endpoint: Endpoint,
    tokens: Tokens,
    retry: RetryPolicy,
    subscription: String,
    bounds: ListBounds,
}

/// How far one list may go: pages followed, and time from the first
/// request. Far above real use (5 000 pages is 5 million VMs), so only a
/// `nextLink` that never ends meets them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListBounds {
    pub max_pages: usize,
    pub max_time: Duration,
}

impl Default for ListBounds {
    fn default() -> Self {
        Self {
            max_pages: 5_000,
            max_time: Duration::from_secs(600),
        }
    }
}

impl ArmClient {
    /// A client; `subscription` is the id requests are scoped to.
    pub fn new(
        endpoint: Endpoint,
        tokens: Tokens,
        subscription: String,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            http: OnceLock::new(),
            endpoint,
            tokens,
            retry,
            subscription,
            bounds: ListBounds::default(),
        }
    }

    /// The same client with other list bounds.
    pub fn with_list_bounds(mut self, bounds: ListBounds) -> Self {
        self.bounds = bounds;
        self
    }

    /// The subscription requests are scoped to.
    pub fn subscription(&self) -> &str {
        &self.subscription
    }

    /// The absolute URL of `path_and_query` on this client's endpoint.
    pub fn url(&self, path_and_query: &str) -> String {
        self.endpoint.join(path_and_query)
    }

    /// GETs `path_and_query` (relative to the endpoint) as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, AzureError> {
        let url = self.endpoint.join(path_and_query);
        decode(&url, self.send(Method::GET, &url).await?).await
    }

    /// PATCHes `body` (JSON) to `path_and_query` and reads the answer as `T`
    /// (`Virtual Machines - Update` answers 200 with the updated resource).
    pub async fn patch<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
        body: &serde_json::Value,
    ) -> Result<T, AzureError> {
        let url = self.endpoint.join(path_and_query);
        let bytes = serde_json::to_vec(body).map_err(|error| AzureError::Decode {
            url: url.clone(),
            why: error.to_string(),
        })?;
        decode(
            &url,
            self.send_with(Method::PATCH, &url, Some(bytes)).await?,
        )
        .await
    }

    /// Every item of a list, following `nextLink` page by page, within the
    /// list bounds and never to a link already followed. An item that does
    /// not read as `T` is skipped with a note naming it.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
    ) -> Result<Vec<T>, AzureError> {
        let started = Instant::now();
        let mut followed = std::collections::HashSet::new();
        let mut items = Vec::new();
        let mut next = Some(self.endpoint.join(path_and_query));
        while let Some(url) = next {
            self.check_paging(&url, &mut followed, started)?;
            let page: Page<serde_json::Value> =
                decode(&url, self.send(Method::GET, &url).await?).await?;
            items.extend(
                page.value
                    .into_iter()
                    .filter_map(|item| readable(item, &url)),
            );
            next = match page.next_link {
                Some(link) if !self.endpoint.owns(&link) => {
                    return Err(AzureError::ForeignLink(link));
                }
                link => link,
            };
        }
        Ok(items)
    }

    /// Refuses to follow `url` when it was followed before, or when the
    /// list has reached its page or time bound.
    fn check_paging(
        &self,
        url: &str,
        followed: &mut std::collections::HashSet<String>,
        started: Instant,
    ) -> Result<(), AzureError> {
        let why = if !followed.insert(url.to_string()) {
            "its nextLink points back to a page already read".to_string()
        } else if followed.len() > self.bounds.max_pages {
            format!(
                "it has more than {} pages ([arm] list_max_pages)",
                self.bounds.max_pages
            )
        } else if started.elapsed() > self.bounds.max_time {
            format!(
                "it took more than {} s ([arm] list_timeout)",
                self.bounds.max_time.as_secs()
            )
        } else {
            return Ok(());
        };
        Err(AzureError::Paging {
            url: url.to_string(),
            why,
        })
    }

    /// POSTs an action and waits for the long-running operation to finish.
    pub async fn run_operation(
        &self,
        path_and_query: &str,
        target: &str,
    ) -> Result<(), AzureError> {
        self.operate(Method::POST, path_and_query, None, target)
            .await
            .map(drop)
    }

    /// PUTs `body` (`Create Or Update`) and waits for the operation it
    /// starts; the resource as ARM first answered.
    pub async fn put<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
        body: &serde_json::Value,
        target: &str,
    ) -> Result<T, AzureError> {
        let url = self.endpoint.join(path_and_query);
        let (_, bytes) = self
            .operate(Method::PUT, path_and_query, Some(body), target)
            .await?;
        serde_json::from_slice(&bytes).map_err(|error| AzureError::Decode {
            url,
            why: error.to_string(),
        })
    }

    /// DELETEs a resource and waits until it is gone; false if there was
    /// none (ARM answers 204).
    pub async fn delete(&self, path_and_query: &str, target: &str) -> Result<bool, AzureError> {
        let (status, _) = self
            .operate(Method::DELETE, path_and_query, None, target)
            .await?;
        Ok(status != 204)
    }

    /// Sends a request that may start a long-running operation and waits
    /// for it; the first answer's status and body.
    async fn operate(
        &self,
        method: Method,
        path_and_query: &str,
        body: Option<&serde_json::Value>,
        target: &str,
    ) -> Result<(u16, bytes::Bytes), AzureError> {
        let url = self.endpoint.join(path_and_query);
        let body =
            body.map(serde_json::to_vec)
                .transpose()
                .map_err(|error| AzureError::Decode {
                    url: url.clone(),
                    why: error.to_string(),
                })?;
        let response = self.send_with(method, &url, body).await?;
        let status = response.status().as_u16();
        let operation = AsyncOperation::from_headers(
            response
                .headers()
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
        );
        let bytes = response.bytes().await.map_err(|source| AzureError::Http {
            url: url.clone(),
            source,
        })?;
        if matches!(status, 201 | 202) {
            self.wait(&operation, target).await?;
        }
        Ok((status, bytes))
    }

    async fn wait(&self, operation: &AsyncOperation, target: &str) -> Result<(), AzureError> {
        let Some(poll) = operation.poll_url() else {
            return Ok(());
        };
        if !self.endpoint.owns(poll) {
            return Err(AzureError::ForeignLink(poll.into()));
        }
        let started = Instant::now();
        let mut pause = operation
            .retry_after
            .map_or(DEFAULT_POLL, Duration::from_secs);
        loop {
            tokio::time::sleep(pause).await;
            let response = self.send(Method::GET, poll).await?;
            pause =
                retry::retry_after(header(&response, RETRY_AFTER.as_str())).unwrap_or(DEFAULT_POLL);
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap_or_default();
            match body["status"].as_str() {
                Some("Succeeded") => return Ok(()),
                Some(failed @ ("Failed" | "Canceled")) => {
                    return Err(AzureError::Operation {
                        target: target.into(),
                        status: failed.into(),
                    });
                }
                None if status != 202 && operation.azure_async_operation.is_none() => return Ok(()),
                _ if started.elapsed() > OPERATION_BOUND => {
                    return Err(AzureError::Operation {
                        target: target.into(),
                        status: "still running; check again later".into(),
                    });
                }
                _ => {}
            }
        }
    }

    fn http(&self) -> &reqwest::Client {
        self.http.get_or_init(|| {
            reqwest::Client::builder()
                .connect_timeout(Duration::from_secs(10))
                .timeout(Duration::from_secs(60))
                .tcp_nodelay(true)
                .build()
                .unwrap_or_default()
        })
    }

    /// Sends a request (see [`Self::send_retrying`]) and counts it in the
    /// performance counters by what it asks for.
    async fn send(&self, method: Method, url: &str) -> Result<Response, AzureError> {
        self.send_with(method, url, None).await
    }

    /// [`Self::send`] with a JSON body.
    async fn send_with(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Response, AzureError> {
        let started = Instant::now();
        let sent = self.send_retrying(method.clone(), url, body).await;
        crate::perf::time(
            &format!("arm {method} {}", operation(url)),
            started.elapsed(),
            sent.is_ok(),
        );
        sent
    }

    /// Sends a request with a fresh token, retrying 408/429/5xx and failed
    /// connections within the retry policy's bounds.
    async fn send_retrying(
        &self,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Response, AzureError> {
        if method != Method::GET {
            Fence::check_current(url)?;
        }
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.tokens.token().await?;
            let mut request = self.http().request(method.clone(), url).bearer_auth(token);
            if let Some(body) = &body {
                request = request
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let sent = request.send().await;
            let (last, retry_after) = match sent {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) if RetryPolicy::retryable(response.status().as_u16()) => {
                    let wait = retry::retry_after(header(&response, RETRY_AFTER.as_str()));
                    (format!("{}", response.status()), wait)
                }
                Ok(response) => return Err(arm_error(response).await),
                Err(error) if error.is_connect() || error.is_timeout() => (error.to_string(), None),
                Err(source) => {
                    return Err(AzureError::Http {
                        url: url.into(),
                        source,
                    });
                }
            };
            let delay = self.retry.delay(attempt, retry_after);
            if attempt >= self.retry.max_attempts || started.elapsed() + delay > self.retry.total {
                return Err(AzureError::GaveUp {
                    url: url.into(),
                    attempts: attempt,
                    elapsed: started.elapsed(),
                    last,
                });
            }
            tracing::debug!("{method} {url}: {last}; retrying in {delay:?}");
            tokio::time::sleep(delay).await;
        }
    }
}

fn header<'a>(response: &'a Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

async fn decode<T: DeserializeOwned>(url: &str, response: Response) -> Result<T, AzureError> {
    let bytes = response.bytes().await.map_err(|source| AzureError::Http {
        url: url.into(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|error| AzureError::Decode {
        url: url.into(),
        why: error.to_string(),
    })
}

async fn arm_error(response: Response) -> AzureError {
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap_or_default();
    match serde_json::from_slice::<ArmError>(&body) {
        Ok(ArmError { error }) => AzureError::Arm {
            status,
            code: error.code,
            message: error.message,
        },
        Err(_) => AzureError::Arm {
            status,
            code: "UnexpectedResponse".into(),
            message: String::from_utf8_lossy(&body).chars().take(200).collect(),
        },
    }
}

/// What an ARM URL asks for, for the counters: the resource type it names,
/// with the action after a resource's name (`virtualMachines/start`).
fn operation(url: &str) -> String {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    let Some(provider) = segments
        .iter()
        .rposition(|segment| segment.starts_with("Microsoft."))
    else {
        return segments.last().copied().unwrap_or("other").to_string();
    };
    match &segments[provider + 1..] {
        [kind] | [kind, _] => (*kind).to_string(),
        [kind, _, action, ..] => format!("{kind}/{action}"),
        [] => "other".to_string(),
    }
}

/// `item` as `T`, or `None` with a note naming the item and what was wrong.
fn readable<T: DeserializeOwned>(item: serde_json::Value, url: &str) -> Option<T> {
    let name = ["name", "id"]
        .iter()
        .find_map(|key| item.get(key).and_then(serde_json::Value::as_str))
        .map_or_else(|| "an unnamed item".to_string(), |name| format!("'{name}'"));
    serde_json::from_value(item)
        .map_err(|why| {
            notes::note(
                &name,
                format!("skipped {name}: Azure's answer for it does not read ({why}, in the list at {url})"),
            )
        })
        .ok()
}

#[cfg(test)]
mod tests {
    use super::operation;

    #[test]
    fn operations_are_named_by_resource_type_and_action() {
        let base = "http://127.0.0.1:1/subscriptions/s/resourceGroups/rg/providers";
        assert_eq!(
            operation(&format!(
                "{base}/Microsoft.Compute/virtualMachines?api-version=1"
            )),
            "virtualMachines"
        );
        assert_eq!(
            operation(&format!(
                "{base}/Microsoft.Compute/virtualMachines/vm1/start?x=1"
            )),
            "virtualMachines/start"
        );
        assert_eq!(
            operation(
                "http://h/subscriptions/s/providers/Microsoft.Compute/locations/westus2/vmSizes"
            ),
            "locations/vmSizes"
        );
        assert_eq!(
            operation("http://h/subscriptions/s/resourcegroups?api-version=1"),
            "resourcegroups"
        );
    }
}
