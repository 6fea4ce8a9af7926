//! Where ARM is: `AZLIN_ARM_ENDPOINT`, else `arm_endpoint` in config.toml,
//! else public Azure. Plain `http://` only for loopback (the simulator).

use super::AzureError;
use std::net::IpAddr;
use url::Url;

/// Public Azure's Resource Manager.
pub const PUBLIC_ARM: &str = "https://management.azure.com";

/// The ARM endpoint azlin talks to, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    url: Url,
}

impl Endpoint {
    /// The endpoint from the environment or `configured`, or public Azure.
    pub fn resolve(configured: Option<&str>) -> Result<Self, AzureError> {
        let raw = std::env::var("AZLIN_ARM_ENDPOINT")
            .ok()
            .or_else(|| configured.map(str::to_string));
        Self::parse(raw.as_deref().unwrap_or(PUBLIC_ARM))
    }

    /// Checks `raw`: an absolute https URL, or http to a loopback address.
    pub fn parse(raw: &str) -> Result<Self, AzureError> {
        let invalid = |why| AzureError::Endpoint {
            url: raw.into(),
            why,
        };
        let url = Url::parse(raw.trim_end_matches('/')).map_err(|_| invalid("it is not a URL"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(invalid("plain http is allowed only for loopback addresses")),
            _ => return Err(invalid("use an https:// URL")),
        }
        if url.host().is_none() {
            return Err(invalid("it has no host"));
        }
        Ok(Self { url })
    }

    /// The token scope for this endpoint (`<endpoint>/.default`).
    pub fn scope(&self) -> String {
        if self.url.as_str().trim_end_matches('/') == PUBLIC_ARM {
            return "https://management.azure.com/.default".into();
        }
        format!("{}/.default", self.url.as_str().trim_end_matches('/'))
    }

    /// `path_and_query` on this endpoint.
    pub fn join(&self, path_and_query: &str) -> String {
        format!(
            "{}{path_and_query}",
            self.url.as_str().trim_end_matches('/')
        )
    }

    /// Whether `link` (a `nextLink` or polling URL) is on this endpoint, so the
    /// token may go with it.
    pub fn owns(&self, link: &str) -> bool {
        Url::parse(link).is_ok_and(|link| {
            link.scheme() == self.url.scheme()
                && link.host() == self.url.host()
                && link.port_or_known_default() == self.url.port_or_known_default()
        })
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::Endpoint;

    #[test]
    fn https_and_loopback_http_are_accepted() {
        assert!(Endpoint::parse("https://management.usgovcloudapi.net").is_ok());
        assert!(Endpoint::parse("http://127.0.0.1:8080").is_ok());
        assert!(Endpoint::parse("http://localhost:8080/").is_ok());
        assert!(Endpoint::parse("http://[::1]:8080").is_ok());
    }

    #[test]
    fn plain_http_elsewhere_is_refused() {
        let error = Endpoint::parse("http://example.com")
            .expect_err("refused")
            .to_string();
        assert!(
            error.contains("plain http is allowed only for loopback"),
            "{error}"
        );
        assert!(Endpoint::parse("ftp://127.0.0.1").is_err());
        assert!(Endpoint::parse("not a url").is_err());
    }

    #[test]
    fn links_elsewhere_are_not_owned() {
        let endpoint = Endpoint::parse("http://127.0.0.1:8080").expect("valid");
        assert!(endpoint.owns("http://127.0.0.1:8080/subscriptions/x?$skiptoken=2"));
        assert!(!endpoint.owns("http://127.0.0.1:9090/subscriptions/x"));
        assert!(!endpoint.owns("https://evil.example/subscriptions/x"));
    }
}
