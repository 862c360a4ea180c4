//! Organization self-registration: a new organization and its first admin, signed in.

use std::sync::Arc;

use xdr_domain::audit::AuditAction;
use xdr_domain::identity::{
    Email, FullName, NewOrganization, NewUser, Organization, OrganizationName, PasswordPolicyError,
    Role, User,
};
use xdr_domain::{Conflict, FieldErrors, OrganizationId, RepoError, UserId};

use crate::audit_trail::{self, RESOURCE_ORGANIZATION};
use crate::blocking;
use crate::error::RegisterError;
use crate::principal::ClientInfo;
use crate::service::AuthService;
use crate::tokens::TokenPair;

#[derive(Debug, Clone)]
pub struct RegisterInput {
    pub organization_name: String,
    pub admin_email: String,
    pub admin_password: String,
    pub admin_name: String,
}

#[derive(Debug)]
pub struct Registered {
    pub tokens: TokenPair,
    pub user: User,
    pub organization: Organization,
}

#[derive(Debug)]
struct ValidRegistration {
    name: OrganizationName,
    email: Email,
    full_name: FullName,
}

/// What the policy says of the admin password: checked off the async workers.
fn password_inputs(input: &RegisterInput) -> [&str; 4] {
    let local_part = input.admin_email.split('@').next().unwrap_or_default();
    [
        input.admin_email.as_str(),
        local_part,
        input.organization_name.as_str(),
        input.admin_name.as_str(),
    ]
}

fn validate(
    input: &RegisterInput,
    password: Result<(), PasswordPolicyError>,
) -> Result<ValidRegistration, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = errors.check(
        "organization_name",
        OrganizationName::parse(&input.organization_name),
    );
    let email = errors.check("admin_email", Email::parse(&input.admin_email));
    let full_name = errors.check("admin_name", FullName::parse(&input.admin_name));
    errors.check("admin_password", password);
    match (name, email, full_name) {
        (Some(name), Some(email), Some(full_name)) if errors.is_empty() => Ok(ValidRegistration {
            name,
            email,
            full_name,
        }),
        _ => Err(errors),
    }
}

impl AuthService {
    pub async fn register(
        &self,
        input: RegisterInput,
        client: &ClientInfo,
    ) -> Result<Registered, RegisterError> {
        let policy = self
            .hasher
            .check_policy(&input.admin_password, &password_inputs(&input))
            .await?;
        let valid = validate(&input, policy).map_err(RegisterError::Validation)?;
        let password_hash = self.hasher.hash(&input.admin_password).await?;
        let now = self.now();
        let organization = NewOrganization {
            id: OrganizationId::generate(),
            slug: valid.name.slug(),
            name: valid.name,
            created_at: now,
        };
        let admin = NewUser {
            id: UserId::generate(),
            organization_id: organization.id,
            email: valid.email,
            full_name: valid.full_name,
            role: Role::Admin,
            password_hash,
            created_at: now,
        };
        let audit = audit_trail::entry(
            organization.id,
            AuditAction::AuthRegister,
            RESOURCE_ORGANIZATION,
            client,
        )
        .actor(admin.id, Some(admin.email.as_str()))
        .resource(organization.id)
        .details(serde_json::json!({ "organization_name": organization.name.as_str() }));
        let organizations = Arc::clone(&self.store.organizations);
        let created =
            blocking::run(move || organizations.create_with_admin(organization, admin, audit))
                .await;
        let (organization, user) = match created {
            Ok(pair) => pair,
            Err(RepoError::Conflict(Conflict::EmailTaken)) => {
                return Err(RegisterError::EmailTaken);
            }
            Err(RepoError::Conflict(Conflict::OrganizationExists)) => {
                return Err(RegisterError::OrganizationExists);
            }
            Err(other) => return Err(other.into()),
        };
        tracing::info!(organization_id = %organization.id, user_id = %user.id, "organization registered");
        let tokens = self.start_session(&user, client, None).await?;
        Ok(Registered {
            tokens,
            user,
            organization,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `validate` with the policy checked inline (the service checks it on the hasher's pool).
    fn checked(i: &RegisterInput) -> Result<ValidRegistration, FieldErrors> {
        let policy = xdr_domain::identity::check_password(&i.admin_password, &password_inputs(i));
        validate(i, policy)
    }

    fn input() -> RegisterInput {
        RegisterInput {
            organization_name: "Acme Security".into(),
            admin_email: "Admin@Acme.example".into(),
            admin_password: "violet tractor mango fjord".into(),
            admin_name: "Ada Admin".into(),
        }
    }

    #[test]
    fn valid_input_passes() {
        let valid = checked(&input()).unwrap();
        assert_eq!(valid.email.as_str(), "admin@acme.example");
        assert_eq!(valid.name.slug().as_str(), "acme-security");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = RegisterInput {
            organization_name: "x".into(),
            admin_email: "nope".into(),
            admin_password: "short".into(),
            admin_name: " ".into(),
        };
        let errors = checked(&bad).unwrap_err().into_map();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "admin_email",
                "admin_name",
                "admin_password",
                "organization_name"
            ]
        );
    }

    #[test]
    fn password_built_from_org_name_is_weak() {
        let mut i = input();
        i.admin_password = "acmesecurity2024!".into();
        let errors = checked(&i).unwrap_err().into_map();
        assert!(errors.contains_key("admin_password"));
    }
}
