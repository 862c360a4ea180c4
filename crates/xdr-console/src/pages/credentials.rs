//! My credentials: the signed-in member's own cloud credentials in the vault (the same use
//! cases as `/api/v1/credentials`). Listed with the access key's preview only; a secret sent
//! in the form goes straight into the vault and is never rendered back, not even when the form
//! is refused.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::CredentialId;
use xdr_domain::secrets::SecretText;
use xdr_service::credentials::{CreateCredentialInput, ListCredentialsInput, MAX_PAGE_SIZE};

use super::CsrfForm;
use super::format::or_dash;
use crate::console::ConsoleState;
use crate::csrf;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;
use crate::session::Signed;

struct CredentialRow {
    id: String,
    name: String,
    provider: &'static str,
    preview: String,
    region: String,
    is_default: bool,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "credentials.html")]
struct CredentialsPage {
    layout: Layout,
    credentials: Vec<CredentialRow>,
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    let input = ListCredentialsInput {
        limit: Some(MAX_PAGE_SIZE),
        cursor: None,
    };
    let page = state
        .services
        .credentials
        .list(&signed.principal, &input)
        .await?;
    let page = CredentialsPage {
        layout: Layout::signed(&state, &signed, "My credentials", "credentials"),
        credentials: page
            .items
            .iter()
            .map(|c| {
                let cred = &c.credential;
                CredentialRow {
                    id: cred.id.to_string(),
                    name: cred.name.as_str().to_owned(),
                    provider: cred.provider.as_str(),
                    preview: cred.access_key_preview.clone(),
                    region: or_dash(cred.region.as_ref().map(|r| r.as_str())),
                    is_default: cred.is_default,
                    status: c.status.as_str(),
                }
            })
            .collect(),
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

/// No `Debug`: it holds secrets until they are moved into the vault's input.
#[derive(Deserialize)]
pub(crate) struct CredentialForm {
    #[serde(default)]
    csrf: String,
    name: String,
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: Option<String>,
    account_id: Option<String>,
    is_default: Option<String>,
}

fn filled(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

pub(crate) async fn create(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    form: web::Form<CredentialForm>,
) -> Result<HttpResponse, ConsoleError> {
    let mut form = form.into_inner();
    // Moved out first, so that the secrets are wiped on every path (SecretText zeroizes).
    let secret = SecretText::new(std::mem::take(&mut form.secret_access_key));
    let session_token = filled(form.session_token.take()).map(SecretText::new);
    csrf::verify(&req, signed.secure, &form.csrf)?;
    let input = CreateCredentialInput {
        name: form.name,
        provider: "aws".to_owned(),
        access_key_id: form.access_key_id,
        secret_access_key: secret,
        session_token,
        region: filled(form.region),
        account_id: filled(form.account_id),
        is_default: form.is_default.as_deref() == Some("true"),
    };
    let client = (state.config.client)(&req);
    state
        .services
        .credentials
        .create(&signed.principal, input, &client)
        .await?;
    Ok(render::see_other("/credentials", &[]))
}

pub(crate) async fn delete(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, ConsoleError> {
    csrf::verify(&req, signed.secure, &form.csrf)?;
    let id = CredentialId::from_uuid(super::path_id(&id)?);
    let client = (state.config.client)(&req);
    state
        .services
        .credentials
        .delete(&signed.principal, id, &client)
        .await?;
    Ok(render::see_other("/credentials", &[]))
}
