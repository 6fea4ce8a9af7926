//! The ARM client: bearer-token requests with retries, `nextLink` paging and
//! long-running operations, against one endpoint and subscription.

use super::models::{ArmError, AsyncOperation, Page};
use super::retry::{self, RetryPolicy};
use super::{AzureError, Endpoint, Fence, Tokens};
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
        }
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

    /// Every item of a list, following `nextLink` page by page.
    pub async fn list<T: DeserializeOwned>(
        &self,
        path_and_query: &str,
    ) -> Result<Vec<T>, AzureError> {
        let mut items = Vec::new();
        let mut next = Some(self.endpoint.join(path_and_query));
        while let Some(url) = next {
            let page: Page<T> = decode(&url, self.send(Method::GET, &url).await?).await?;
            items.extend(page.value);
            next = match page.next_link {
                Some(link) if !self.endpoint.owns(&link) => {
                    return Err(AzureError::ForeignLink(link));
                }
                link => link,
            };
        }
        Ok(items)
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
