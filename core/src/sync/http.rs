//! The default transport: a blocking HTTP client (ureq, rustls with the ring provider,
//! Mozilla's root certificates). Native apps may use their own HTTP stack instead by
//! implementing [`super::Transport`].

use std::time::Duration;

use super::{HttpRequest, HttpResponse, Transport, TransportError};

/// Largest response body accepted (a pull is capped near 8 MiB by the server).
const MAX_BODY: u64 = 64 * 1024 * 1024;

pub struct HttpTransport {
    agent: ureq::Agent,
}

impl Default for HttpTransport {
    fn default() -> Self {
        Self::new(Duration::from_secs(30))
    }
}

impl HttpTransport {
    pub fn new(timeout: Duration) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .user_agent("companion/1")
            .build()
            .into();
        HttpTransport { agent }
    }
}

impl Transport for HttpTransport {
    fn send(&self, req: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut b = ureq::http::Request::builder().method(req.method.as_str()).uri(req.url.as_str());
        for (k, v) in &req.headers {
            b = b.header(k.as_str(), v.as_str());
        }
        let request = b.body(req.body).map_err(|_| TransportError("the request could not be built".into()))?;
        let mut resp = self.agent.run(request).map_err(|e| TransportError(e.to_string()))?;
        let status = resp.status().as_u16();
        let body =
            resp.body_mut().with_config().limit(MAX_BODY).read_to_vec().map_err(|e| TransportError(e.to_string()))?;
        Ok(HttpResponse { status, body })
    }
}
