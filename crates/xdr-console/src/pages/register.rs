//! Registering an organization (the same use case as `POST /auth/register`); its first admin
//! is signed in at once.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_auth::{RegisterError, RegisterInput};

use crate::console::ConsoleState;
use crate::csrf;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::render;

#[derive(Template)]
#[template(path = "register.html")]
struct RegisterPage {
    layout: Layout,
    organization_name: String,
    admin_name: String,
    email: String,
    errors: Vec<String>,
}

pub(crate) async fn form(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
) -> Result<HttpResponse, ConsoleError> {
    let csrf = csrf::current(&req, state.secure(&req));
    let page = RegisterPage {
        layout: Layout::public(&state, &csrf, "Register your organization"),
        organization_name: String::new(),
        admin_name: String::new(),
        email: String::new(),
        errors: Vec::new(),
    };
    render::page(
        StatusCode::OK,
        &page,
        &csrf.set_cookie.into_iter().collect::<Vec<_>>(),
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct RegisterForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    organization_name: String,
    admin_name: String,
    email: String,
    password: String,
}

pub(crate) async fn submit(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    form: web::Form<RegisterForm>,
) -> Result<HttpResponse, ConsoleError> {
    let secure = state.secure(&req);
    csrf::verify(&req, secure, &form.csrf)?;
    super::entry::within_limit(&state, &req)?;
    let form = form.into_inner();
    let input = RegisterInput {
        organization_name: form.organization_name.clone(),
        admin_email: form.email.clone(),
        admin_password: form.password,
        admin_name: form.admin_name.clone(),
    };
    let client = (state.config.client)(&req);
    let auth = &state.services.auth;
    let (status, errors) = match auth.register(input, &client).await {
        Ok(registered) => {
            return super::entry::signed_in(auth, &registered.tokens, secure, "/");
        }
        Err(RegisterError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors
                .iter()
                .flat_map(|(field, problems)| {
                    problems
                        .iter()
                        .map(move |p| format!("{}: {p}", label(field)))
                })
                .collect(),
        ),
        Err(RegisterError::EmailTaken) => (
            StatusCode::CONFLICT,
            vec!["This email is already registered: sign in instead.".to_owned()],
        ),
        Err(RegisterError::OrganizationExists) => (
            StatusCode::CONFLICT,
            vec!["An organization of this name exists already.".to_owned()],
        ),
        Err(RegisterError::Internal(e)) => return Err(ConsoleError::internal(&e)),
    };
    let csrf = csrf::current(&req, secure);
    let page = RegisterPage {
        layout: Layout::public(&state, &csrf, "Register your organization"),
        organization_name: form.organization_name,
        admin_name: form.admin_name,
        email: form.email,
        errors,
    };
    render::page(status, &page, &[])
}

/// The form's label of an API field name.
fn label(field: &str) -> &str {
    match field {
        "organization_name" => "Organization name",
        "admin_email" => "Email",
        "admin_password" => "Password",
        "admin_name" => "Your name",
        other => other,
    }
}
