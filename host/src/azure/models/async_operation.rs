//! How ARM answers a long-running operation (start, power off, deallocate,
//! restart, delete): `202 Accepted` with a URL to poll.

/// Where to poll a long-running operation, from the `202` response headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncOperation {
    /// `Azure-AsyncOperation`: an operation-status resource (`status` field).
    pub azure_async_operation: Option<String>,
    /// `Location`: poll until it stops answering `202`.
    pub location: Option<String>,
    /// `Retry-After` in seconds, if the service asked for a pause.
    pub retry_after: Option<u64>,
}

impl AsyncOperation {
    /// Reads the polling headers (names compared case-insensitively, as HTTP does).
    pub fn from_headers<'a>(headers: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut operation = Self {
            azure_async_operation: None,
            location: None,
            retry_after: None,
        };
        for (name, value) in headers {
            if name.eq_ignore_ascii_case("azure-asyncoperation") {
                operation.azure_async_operation = Some(value.into());
            } else if name.eq_ignore_ascii_case("location") {
                operation.location = Some(value.into());
            } else if name.eq_ignore_ascii_case("retry-after") {
                operation.retry_after = value.trim().parse().ok();
            }
        }
        operation
    }

    /// The URL to poll: `Azure-AsyncOperation` if given, else `Location`.
    pub fn poll_url(&self) -> Option<&str> {
        self.azure_async_operation
            .as_deref()
            .or(self.location.as_deref())
    }
}
