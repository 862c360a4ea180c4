//! `/api/v1/users`: the organization's members.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_domain::UserId;
use xdr_domain::identity::AccessChange;

use crate::dto::admin::{UpdateUserRequest, UserList};
use crate::dto::identity::UserView;
use crate::dto::page::{ListQuery, encode_cursor};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{Admin, Authorized, Client, SocLead};
use crate::state::AppState;

/// Members of the caller's organization, newest first (soc_lead).
#[utoipa::path(get, path = "/api/v1/users", tag = "identity", security(("bearer" = [])),
    params(ListQuery),
    responses((status = 200, body = UserList), (status = 403, body = ErrorBody)))]
pub async fn list(
    state: web::Data<AppState>,
    auth: Authorized<SocLead>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = state
        .admin
        .list_users(&auth.principal, query.page()?)
        .await?;
    Ok(HttpResponse::Ok().json(UserList {
        items: page.items.iter().map(UserView::from).collect(),
        next_cursor: page.next_before.map(encode_cursor),
    }))
}

/// Change a member's role or deactivate them (admin). Their sessions end at once.
#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "identity",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "User id")),
    request_body = UpdateUserRequest,
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    auth: Authorized<Admin>,
    client: Client,
    id: web::Path<Uuid>,
    body: web::Json<UpdateUserRequest>,
) -> Result<HttpResponse, ApiError> {
    let change = AccessChange {
        role: body.role,
        is_active: body.is_active,
    };
    if change.is_empty() {
        let mut errors = xdr_domain::FieldErrors::new();
        errors.add("body", "give role and/or is_active");
        return Err(ApiError::validation(errors));
    }
    let id = UserId::from_uuid(id.into_inner());
    let user = state
        .admin
        .update_user(&auth.principal, id, change, &client.0)
        .await?;
    Ok(HttpResponse::Ok().json(UserView::from(&user)))
}
