//! A browser for handler tests: a cookie jar fed by `Set-Cookie`, forms sent as a browser
//! sends them (urlencoded, with the page's CSRF token), answers as text.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::HeaderMap;
use actix_web::test::{self, TestRequest};

/// An HTML answer.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The CSRF token of the page's forms.
    pub fn csrf(&self) -> Option<String> {
        let marker = "name=\"csrf\" value=\"";
        let start = self.body.find(marker)? + marker.len();
        let end = self.body[start..].find('"')?;
        Some(self.body[start..start + end].to_owned())
    }
}

#[derive(Debug, Default, Clone)]
pub struct Browser {
    pub cookies: BTreeMap<String, String>,
    /// The CSRF token of the last page that had one.
    pub csrf: Option<String>,
}

pub fn encode(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

impl Browser {
    pub fn new() -> Self {
        Self::default()
    }

    fn cookie_header(&self) -> Option<String> {
        (!self.cookies.is_empty()).then(|| {
            self.cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }

    fn with_cookies(&self, req: TestRequest) -> TestRequest {
        let req = req.peer_addr("203.0.113.20:50000".parse().unwrap());
        match self.cookie_header() {
            Some(c) => req.insert_header(("cookie", c)),
            None => req,
        }
    }

    pub async fn send<S, B>(&mut self, app: &S, req: TestRequest) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let resp = test::call_service(app, self.with_cookies(req).to_request()).await;
        let status = resp.status();
        let headers = resp.headers().clone();
        for value in headers.get_all("set-cookie") {
            let value = value.to_str().unwrap();
            let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
            let (name, val) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), val.to_owned());
            }
        }
        let body = String::from_utf8_lossy(&test::read_body(resp).await).into_owned();
        let page = Page {
            status,
            headers,
            body,
        };
        if let Some(csrf) = page.csrf() {
            self.csrf = Some(csrf);
        }
        page
    }

    pub async fn get<S, B>(&mut self, app: &S, path: &str) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.send(app, TestRequest::get().uri(path)).await
    }

    /// Posts `fields` and the current CSRF token, from this origin.
    pub async fn submit<S, B>(&mut self, app: &S, path: &str, fields: &[(&str, &str)]) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let csrf = self
            .csrf
            .clone()
            .expect("a page with a form was loaded first");
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(app, path, &form_body(&all)).await
    }

    pub async fn post_raw<S, B>(&mut self, app: &S, path: &str, body: &str) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let req = TestRequest::post()
            .uri(path)
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .set_payload(body.to_owned());
        self.send(app, req).await
    }

    /// Loads the sign-in form and signs in; returns the answer to the form.
    pub async fn sign_in<S, B>(&mut self, app: &S, email: &str, password: &str) -> Page
    where
        S: Service<actix_http::Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let form = self.get(app, "/login").await;
        assert_eq!(form.status, StatusCode::OK, "{}", form.body);
        let answer = self
            .submit(app, "/login", &[("email", email), ("password", password)])
            .await;
        // The next page carries the CSRF token of the signed-in session.
        if answer.status == StatusCode::SEE_OTHER {
            self.get(app, "/").await;
        }
        answer
    }

    pub fn session(&self) -> Option<&String> {
        self.cookies.get("xdr_session")
    }
}
