//! The ARM client: bearer-token requests with retries, `nextLink` paging and
//! long-running operations, against one endpoint and subscription.

use super::models::{ArmError, AsyncOperation, Page};
use super::retry::{self, RetryPolicy};
use super::{AzureError, Endpoint, Tokens};
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

    /// GETs `path_and_query` (relative to the endpoint) as `T`.
    pub async fn get<T: DeserializeOwned>(&self, path_and_query: &str) -> Result<T, AzureError> {
        let url = self.endpoint.join(path_and_query);
        decode(&url, self.send(Method::GET, &url).await?).await
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
        let url = self.endpoint.join(path_and_query);
        let response = self.send(Method::POST, &url).await?;
        if response.status().as_u16() != 202 {
            return Ok(());
        }
        let operation = AsyncOperation::from_headers(
            response
                .headers()
                .iter()
                .filter_map(|(name, value)| Some((name.as_str(), value.to_str().ok()?))),
        );
        self.wait(&operation, target).await
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

    /// Sends a request with a fresh token, retrying 408/429/5xx and failed
    /// connections within the retry policy's bounds.
    async fn send(&self, method: Method, url: &str) -> Result<Response, AzureError> {
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let token = self.tokens.token().await?;
            let sent = self
                .http()
                .request(method.clone(), url)
                .bearer_auth(token)
                .send()
                .await;
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
