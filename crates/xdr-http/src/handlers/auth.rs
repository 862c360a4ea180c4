//! `/api/v1/auth`: register, sign in, tokens, the caller's own account and sessions.

use actix_web::{HttpResponse, web};
use uuid::Uuid;
use xdr_auth::{LoginError, RegisterInput};
use xdr_domain::SessionId;
use xdr_domain::telemetry::SignInOutcome;

use crate::dto::auth::{
    ChangePasswordRequest, LoginRequest, LoginResponse, MeResponse, RefreshRequest,
    RegisterRequest, RegisterResponse, TokenPairView, UpdateMeRequest, UserResponse,
};
use crate::dto::identity::{OrganizationView, SessionList, SessionView, UserView};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{AuthContext, AuthRateLimit, Client, SignInRateLimit};
use crate::state::AppState;

/// Register an organization and its first admin.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "identity", request_body = RegisterRequest,
    responses((status = 201, body = RegisterResponse), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn register(
    _limit: AuthRateLimit,
    state: web::Data<AppState>,
    client: Client,
    body: web::Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let input = RegisterInput {
        organization_name: body.organization_name,
        admin_email: body.admin_email,
        admin_password: body.admin_password.expose().to_owned(),
        admin_name: body.admin_name,
    };
    let registered = state.auth.register(input, &client.0).await?;
    Ok(HttpResponse::Created().json(RegisterResponse {
        tokens: registered.tokens.into(),
        user: UserView::from(&registered.user),
        organization: OrganizationView::from(&registered.organization),
    }))
}

/// Sign in with email and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "identity", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = ErrorBody),
              (status = 423, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn login(
    _limit: SignInRateLimit,
    state: web::Data<AppState>,
    client: Client,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let result = state
        .auth
        .login(&body.email, body.password.expose(), &client.0)
        .await;
    let outcome = match &result {
        Ok(_) => SignInOutcome::Success,
        Err(LoginError::InvalidCredentials) => SignInOutcome::Invalid,
        Err(LoginError::Locked { .. }) => SignInOutcome::Locked,
        Err(LoginError::Busy { .. }) => SignInOutcome::RateLimited,
        Err(LoginError::Internal(_)) => SignInOutcome::Error,
    };
    state.observability.telemetry.sign_ins.inc(outcome);
    let logged_in = result?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        tokens: logged_in.tokens.into(),
        user: UserView::from(&logged_in.user),
    }))
}

/// Exchange a refresh token for a new pair (the presented token is rotated away).
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "identity", request_body = RefreshRequest,
    responses((status = 200, body = TokenPairView), (status = 401, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn refresh(
    _limit: AuthRateLimit,
    state: web::Data<AppState>,
    client: Client,
    body: web::Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let pair = state
        .auth
        .refresh(body.refresh_token.expose(), &client.0)
        .await?;
    Ok(HttpResponse::Ok().json(TokenPairView::from(pair)))
}

/// End the current session.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    state: web::Data<AppState>,
    auth: AuthContext,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    state.auth.logout(auth.principal(), &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// End every session of the caller.
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "identity", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout_all(
    state: web::Data<AppState>,
    auth: AuthContext,
    client: Client,
) -> Result<HttpResponse, ApiError> {
    state.auth.logout_all(auth.principal(), &client.0).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller and their organization.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = MeResponse), (status = 401, body = ErrorBody)))]
pub async fn me(state: web::Data<AppState>, auth: AuthContext) -> Result<HttpResponse, ApiError> {
    let profile = state.auth.me(auth.principal()).await?;
    let (user, organization) = profile.as_ref();
    Ok(HttpResponse::Ok().json(MeResponse {
        user: UserView::from(user),
        organization: OrganizationView::from(organization),
    }))
}

/// Change the caller's display name.
#[utoipa::path(patch, path = "/api/v1/auth/me", tag = "identity", security(("bearer" = [])),
    request_body = UpdateMeRequest,
    responses((status = 200, body = UserResponse), (status = 401, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_me(
    state: web::Data<AppState>,
    auth: AuthContext,
    body: web::Json<UpdateMeRequest>,
) -> Result<HttpResponse, ApiError> {
    let user = state
        .auth
        .update_full_name(auth.principal(), &body.full_name)
        .await?;
    Ok(HttpResponse::Ok().json(UserResponse {
        user: UserView::from(&user),
    }))
}

/// Change the caller's password; every other session of the caller ends.
#[utoipa::path(post, path = "/api/v1/auth/change-password", tag = "identity",
    security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 423, body = ErrorBody)))]
pub async fn change_password(
    state: web::Data<AppState>,
    auth: AuthContext,
    client: Client,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    state
        .auth
        .change_password(
            auth.principal(),
            body.current_password.expose(),
            body.new_password.expose(),
            &client.0,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller's active sessions.
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "identity", security(("bearer" = [])),
    responses((status = 200, body = SessionList), (status = 401, body = ErrorBody)))]
pub async fn list_sessions(
    state: web::Data<AppState>,
    auth: AuthContext,
) -> Result<HttpResponse, ApiError> {
    let current = auth.principal().session_id;
    let sessions = state.auth.list_sessions(auth.principal()).await?;
    let items = sessions
        .iter()
        .map(|s| SessionView::new(s, s.id == current))
        .collect();
    Ok(HttpResponse::Ok().json(SessionList {
        items,
        next_cursor: None,
    }))
}

/// End one of the caller's sessions.
#[utoipa::path(delete, path = "/api/v1/auth/sessions/{id}", tag = "identity",
    security(("bearer" = [])), params(("id" = Uuid, Path, description = "Session id")),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn revoke_session(
    state: web::Data<AppState>,
    auth: AuthContext,
    client: Client,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let id = SessionId::from_uuid(id.into_inner());
    state
        .auth
        .revoke_session(auth.principal(), id, &client.0)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
