//! HTTP to a server under test, through reqwest. No compression is asked
//! for or undone, so a test that sends `Accept-Encoding` reads the bytes
//! as they came.

use serde_json::Value;
use std::net::SocketAddr;

/// A client for one server address.
#[derive(Clone)]
pub struct Client {
    pub addr: SocketAddr,
    http: reqwest::Client,
}

/// A response with its body as text.
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// A response with its body as bytes (a compressed one, say).
pub struct RawResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub bytes: Vec<u8>,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

impl Client {
    pub fn new(addr: SocketAddr) -> Client {
        let http = reqwest::Client::builder().no_proxy().build().expect("an HTTP client");
        Client { addr, http }
    }

    /// Sends one request and reads the whole response.
    pub async fn request_bytes(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> RawResponse {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut request = self.http.request(method, format!("http://{}{path}", self.addr)).body(body.to_owned());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
            .collect();
        let bytes = response.bytes().await.expect("the whole body").to_vec();
        RawResponse { status, headers, bytes }
    }

    /// Sends one request and reads the whole response as text.
    pub async fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        let raw = self.request_bytes(method, path, headers, body).await;
        let body = String::from_utf8(raw.bytes).expect("a UTF-8 body");
        HttpResponse { status: raw.status, headers: raw.headers, body }
    }

    /// POSTs a GraphQL request (with a bearer token, if given); the JSON answer.
    pub async fn graphql(&self, query: &str, variables: Value, token: Option<&str>) -> Value {
        let body = serde_json::json!({ "query": query, "variables": variables }).to_string();
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers = vec![("Content-Type", "application/json")];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth.as_str()));
        }
        let response = self.request("POST", "/graphql", &headers, &body).await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }
}
