//! Members (SOC lead and above) and, for admins, invitations: issue one (its link is shown
//! once), see their status, revoke a pending one. The same use cases as `/users` and
//! `/invitations` of the API.

use std::str::FromStr;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;
use xdr_domain::identity::Role;
use xdr_domain::pagination::MAX_PAGE_LIMIT;
use xdr_domain::{InvitationId, PageRequest};
use xdr_service::AdminError;

use super::CsrfForm;
use super::format::time;
use crate::console::ConsoleState;
use crate::error::ConsoleError;
use crate::layout::Layout;
use crate::redirect::encode;
use crate::render;
use crate::session::Signed;

struct UserRow {
    name: String,
    email: String,
    role: &'static str,
    active: bool,
    last_login: String,
}

struct InvitationRow {
    id: String,
    email: String,
    role: &'static str,
    status: &'static str,
    pending: bool,
    expires: String,
}

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    users: Vec<UserRow>,
    is_admin: bool,
    roles: Vec<&'static str>,
    invitations: Vec<InvitationRow>,
    invitation_link: Option<String>,
}

async fn page(
    state: &ConsoleState,
    signed: &Signed,
    invitation_link: Option<String>,
) -> Result<HttpResponse, ConsoleError> {
    signed.require(Role::SocLead)?;
    let principal = &signed.principal;
    let admin = &state.services.admin;
    let all = PageRequest::new(None, Some(MAX_PAGE_LIMIT));
    let users = admin.list_users(principal, all).await?;
    let is_admin = principal.role.satisfies(Role::Admin);
    let invitations = if is_admin {
        let now = chrono::Utc::now();
        admin
            .list_invitations(principal, all)
            .await?
            .items
            .iter()
            .map(|i| {
                let status = i.status(now);
                InvitationRow {
                    id: i.id.to_string(),
                    email: i.email.to_string(),
                    role: i.role.as_str(),
                    status: status.as_str(),
                    pending: status == xdr_domain::identity::InvitationStatus::Pending,
                    expires: time(i.expires_at),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    let page = UsersPage {
        layout: Layout::signed(state, signed, "Users", "users"),
        users: users
            .items
            .iter()
            .map(|u| UserRow {
                name: u.full_name.as_str().to_owned(),
                email: u.email.to_string(),
                role: u.role.as_str(),
                active: u.is_active,
                last_login: u
                    .last_login_at
                    .map(time)
                    .unwrap_or_else(|| "never".to_owned()),
            })
            .collect(),
        is_admin,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        invitations,
        invitation_link,
    };
    render::page(StatusCode::OK, &page, &signed.cookies())
}

pub(crate) async fn list(
    state: web::Data<ConsoleState>,
    signed: Signed,
) -> Result<HttpResponse, ConsoleError> {
    page(&state, &signed, None).await
}

#[derive(Debug, Deserialize)]
pub(crate) struct InviteForm {
    /// Absent is refused like wrong (403), not as a malformed form.
    #[serde(default)]
    csrf: String,
    email: String,
    role: String,
}

pub(crate) async fn invite(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::Admin)?;
    let role = Role::from_str(&form.role)
        .map_err(|_| ConsoleError::BadRequest(format!("{:?} is not a role.", form.role)))?;
    let client = (state.config.client)(&req);
    let issued = match state
        .services
        .admin
        .invite(&signed.principal, &form.email, role, &client)
        .await
    {
        Ok(issued) => issued,
        Err(AdminError::EmailTaken) => {
            return Err(ConsoleError::BadRequest(
                "This email already belongs to a member.".to_owned(),
            ));
        }
        Err(AdminError::InvitationPending) => {
            return Err(ConsoleError::BadRequest(
                "An invitation for this email is pending already: revoke it first.".to_owned(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let link = {
        let info = req.connection_info();
        format!(
            "{}://{}/accept-invitation?token={}",
            info.scheme(),
            info.host(),
            encode(issued.token.expose())
        )
    };
    page(&state, &signed, Some(link)).await
}

pub(crate) async fn revoke(
    state: web::Data<ConsoleState>,
    req: HttpRequest,
    signed: Signed,
    id: web::Path<String>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, ConsoleError> {
    signed.authorize(&req, &form.csrf, Role::Admin)?;
    let id = InvitationId::from_uuid(super::path_id(&id)?);
    let client = (state.config.client)(&req);
    state
        .services
        .admin
        .revoke_invitation(&signed.principal, id, &client)
        .await?;
    Ok(render::see_other("/users", &[]))
}
