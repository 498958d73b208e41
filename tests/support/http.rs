//! A tiny blocking HTTP client for talking to the test registry directly,
//! so the harness never depends on berth's own registry code.

use std::time::Duration;

use base64::Engine as _;

/// A complete response: status, headers, body.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "response ({}) is not JSON: {e}: {}",
                self.status,
                self.text()
            )
        })
    }

    #[track_caller]
    pub fn expect_status(&self, want: u16, what: &str) -> &Self {
        if self.status != want {
            panic!(
                "{what}: expected HTTP {want}, got {}: {}",
                self.status,
                self.text()
            );
        }
        self
    }
}

/// `Authorization` value for HTTP basic auth.
pub fn basic_auth(user: &str, password: &str) -> String {
    let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {token}")
}

fn agent() -> &'static ureq::Agent {
    static AGENT: std::sync::OnceLock<ureq::Agent> = std::sync::OnceLock::new();
    AGENT.get_or_init(|| {
        ureq::Agent::config_builder()
            // Statuses are data here: tests assert on 401s and 404s.
            .http_status_as_error(false)
            // The registry is on loopback; a CI proxy variable must not reroute it.
            .proxy(None)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into()
    })
}

/// Sends one request; `url` is absolute. Panics on transport errors (the
/// registry is local, so those mean it died).
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Response {
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let sent = match body {
        Some(b) => builder.body(b.to_vec()).map(|r| agent().run(r)),
        None => builder.body(()).map(|r| agent().run(r)),
    };
    let mut resp = match sent {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => panic!("{method} {url} failed: {e}; is the test registry still running?"),
        Err(e) => panic!("cannot build request {method} {url}: {e}"),
    };
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let status = resp.status().as_u16();
    let body = if method == "HEAD" {
        Vec::new()
    } else {
        resp.body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_to_vec()
            .unwrap_or_else(|e| panic!("reading the body of {method} {url}: {e}"))
    };
    Response {
        status,
        headers,
        body,
    }
}
