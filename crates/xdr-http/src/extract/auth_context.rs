//! `AuthContext`: the only source of the caller's organization.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use xdr_auth::Principal;
use xdr_domain::identity::Role;

use crate::error::ApiError;
use crate::state::AppState;

/// A request whose bearer access token verified and whose session is active.
#[derive(Debug, Clone, Copy)]
pub struct AuthContext(pub Principal);

impl AuthContext {
    pub fn principal(&self) -> &Principal {
        &self.0
    }
}

fn bearer(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then(|| token.to_owned())
}

impl FromRequest for AuthContext {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer(req);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal(&"application state missing"))?;
            let token = token.ok_or_else(ApiError::unauthorized)?;
            let principal = state.auth.authenticate(&token).await?;
            Ok(AuthContext(principal))
        })
    }
}

/// The least role a handler needs, stated in its signature: `auth: Authorized<Admin>`.
pub trait MinRole {
    const ROLE: Role;
}

macro_rules! min_role {
    ($($name:ident => $role:expr),*) => {$(
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl MinRole for $name {
            const ROLE: Role = $role;
        }
    )*};
}

min_role!(Viewer => Role::Viewer, Analyst => Role::Analyst, SocLead => Role::SocLead, Admin => Role::Admin);

/// An authenticated caller whose role is at least `R::ROLE`; otherwise 403 `forbidden`.
#[derive(Debug, Clone, Copy)]
pub struct Authorized<R: MinRole> {
    pub principal: Principal,
    _role: PhantomData<R>,
}

impl<R: MinRole + 'static> FromRequest for Authorized<R> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let auth = AuthContext::from_request(req, payload);
        Box::pin(async move {
            let AuthContext(principal) = auth.await?;
            if !principal.role.satisfies(R::ROLE) {
                return Err(ApiError::forbidden());
            }
            Ok(Self {
                principal,
                _role: PhantomData,
            })
        })
    }
}
