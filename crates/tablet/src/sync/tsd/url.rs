//! The file API's addresses, built with the `url` crate: `https` only
//! (plain `http` to this machine, for tests), path segments and query
//! values percent-encoded.

use url::{Host, Url};

use super::TsdError;

/// `{base}/v1/{project}/files/…`.
#[derive(Clone, Debug)]
pub(super) struct Api {
    base: Url,
    project: String,
}

impl Api {
    /// Refuses anything but `https://` (or `http://` to 127.0.0.1,
    /// localhost or ::1), and an address with a query or fragment.
    pub(super) fn new(address: &str, project: &str) -> Result<Api, TsdError> {
        let refused = || TsdError::NotHttps(address.trim().to_owned());
        let base = Url::parse(address.trim()).map_err(|_| refused())?;
        let allowed = match base.scheme() {
            "https" => true,
            "http" => is_loopback(&base),
            _ => false,
        };
        if !allowed
            || base.query().is_some()
            || base.fragment().is_some()
            || base.cannot_be_a_base()
        {
            return Err(refused());
        }
        Ok(Api {
            base,
            project: project.to_owned(),
        })
    }

    /// Plain http to this machine (tests): no TLS is asked for.
    pub(super) fn is_local(&self) -> bool {
        self.base.scheme() == "http"
    }

    /// The address as given, for the record of a delivery.
    pub(super) fn base(&self) -> String {
        self.base.as_str().trim_end_matches('/').to_owned()
    }

    /// `{base}/v1/{project}/files/{segments…}?{query}`.
    pub(super) fn files<'a>(
        &self,
        segments: &[&str],
        query: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Url {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty()
                .extend(["v1", &self.project, "files"])
                .extend(segments);
        }
        let mut query = query.into_iter().peekable();
        if query.peek().is_some() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d == "localhost",
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}
