//! What every page's frame shows: title, assets, CSRF token, and the navigation the
//! analyst's role may use (the server enforces the role regardless).

use xdr_domain::identity::Role;

use crate::console::ConsoleState;
use crate::csrf::CsrfToken;
use crate::session::Signed;

#[derive(Debug)]
pub(crate) struct Nav {
    pub(crate) role: &'static str,
    /// SOC lead or above: sees the members.
    pub(crate) lead: bool,
    /// Admin: invites, revokes agents, reads the audit log.
    pub(crate) admin: bool,
}

#[derive(Debug)]
pub(crate) struct Layout {
    pub(crate) title: String,
    /// Which navigation entry is current.
    pub(crate) section: &'static str,
    pub(crate) csrf: String,
    pub(crate) htmx: String,
    pub(crate) stylesheet: String,
    pub(crate) nav: Option<Nav>,
}

impl Layout {
    pub(crate) fn public(state: &ConsoleState, csrf: &CsrfToken, title: &str) -> Self {
        Self {
            title: title.to_owned(),
            section: "",
            csrf: csrf.value.clone(),
            htmx: state.assets.htmx.url(),
            stylesheet: state.assets.stylesheet.url(),
            nav: None,
        }
    }

    pub(crate) fn signed(
        state: &ConsoleState,
        signed: &Signed,
        title: &str,
        section: &'static str,
    ) -> Self {
        let role = signed.principal.role;
        Self {
            nav: Some(Nav {
                role: role.as_str(),
                lead: role.satisfies(Role::SocLead),
                admin: role.satisfies(Role::Admin),
            }),
            section,
            ..Self::public(state, &signed.csrf, title)
        }
    }
}
