//! Accepting an invitation (the same use case as `POST /auth/accept-invitation`): the new
//! member chooses a password and is signed in.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_auth::AcceptInvitationError;

use crate::console::ConsoleState;
use crate::csrf;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;

#[derive(Template)]
#[template(path = "accept.html")]
struct AcceptPage {
    layout: Layout,
    token: String,
    full_name: String,
    errors: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct TokenQuery {
    token: Option<String>,
}

pub(crate) async fn form(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, ConsoleError> {
    let csrf = csrf::current(&req, state.secure(&req));
    let page = AcceptPage {
        layout: Layout::public(&state, &csrf, "Join your team"),
        token: query.token.clone().unwrap_or_default(),
        full_name: String::new(),
        errors: Vec::new(),
    };
    render::page(
        StatusCode::OK,
        &page,
        &csrf.set_cookie.into_iter().collect::<Vec<_>>(),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct AcceptForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    token: String,
    full_name: String,
    password: String,
}

pub(crate) async fn submit(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, ConsoleError> {
    let secure = state.secure(&req);
    csrf::verify(&req, secure, &form.csrf)?;
    super::entry::within_limit(&state, &req)?;
    let client = (state.config.client)(&req);
    let auth = &state.services.auth;
    let accepted = auth
        .accept_invitation(form.token.trim(), &form.full_name, &form.password, &client)
        .await;
    let (status, errors) = match accepted {
        Ok(joined) => {
            return super::entry::signed_in(auth, &joined.tokens, secure, "/");
        }
        Err(AcceptInvitationError::NotFound) => (
            StatusCode::NOT_FOUND,
            vec!["This invitation is unknown, used, expired or revoked.".to_owned()],
        ),
        Err(AcceptInvitationError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .iter()
                .flat_map(|(f, problems)| problems.iter().map(move |p| format!("{f}: {p}")))
                .collect(),
        ),
        Err(AcceptInvitationError::EmailTaken) => (
            StatusCode::CONFLICT,
            vec!["The invited email belongs to a member already: sign in instead.".to_owned()],
        ),
        Err(AcceptInvitationError::Internal(e)) => return Err(ConsoleError::internal(&e)),
    };
    let csrf = csrf::current(&req, secure);
    let page = AcceptPage {
        layout: Layout::public(&state, &csrf, "Join your team"),
        token: form.token.clone(),
        full_name: form.full_name.clone(),
        errors,
    };
    render::page(status, &page, &[])
}
