//! The error answers every operation shares, added to each operation the document describes
//! (docs/api.md, "Errors"): a client generated from the document knows every status it can get.
//! An operation's own annotation wins where it already describes a status (a sharper
//! description, such as `/auth/login`'s 401 `invalid_credentials`).

use utoipa::Modify;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder, Type};
use utoipa::openapi::{ObjectBuilder, OpenApi};

/// When an operation can answer each shared error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    /// It requires an access token.
    Authenticated,
    /// It reads a JSON body.
    Body,
    /// It reads a JSON body or query parameters (their validation).
    BodyOrQuery,
    /// It names a resource in its path.
    PathId,
    /// It touches storage (everything under `/api/v1`).
    Storage,
}

struct Shared {
    status: &'static str,
    name: &'static str,
    description: &'static str,
    retry_after: bool,
    www_authenticate: bool,
    when: When,
}

const SHARED: &[Shared] = &[
    Shared {
        status: "400",
        name: "MalformedRequest",
        description: "`malformed_request`: the body is not JSON, or its Content-Type is not application/json.",
        retry_after: false,
        www_authenticate: false,
        when: When::Body,
    },
    Shared {
        status: "401",
        name: "Unauthorized",
        description: "`unauthorized`: no access token, or one that is expired, forged, or of a session that ended.",
        retry_after: false,
        www_authenticate: true,
        when: When::Authenticated,
    },
    Shared {
        status: "404",
        name: "NotFound",
        description: "`not_found`: no such resource in the caller's organization (also an id that is not a UUID).",
        retry_after: false,
        www_authenticate: false,
        when: When::PathId,
    },
    Shared {
        status: "413",
        name: "PayloadTooLarge",
        description: "`payload_too_large`: the body is over `server.body_limit_bytes`.",
        retry_after: false,
        www_authenticate: false,
        when: When::Body,
    },
    Shared {
        status: "422",
        name: "ValidationFailed",
        description: "`validation_failed`: invalid fields, every problem at once in `fields`.",
        retry_after: false,
        www_authenticate: false,
        when: When::BodyOrQuery,
    },
    Shared {
        status: "503",
        name: "Unavailable",
        description: "`unavailable`: storage cannot be reached; retry after `Retry-After`.",
        retry_after: true,
        www_authenticate: false,
        when: When::Storage,
    },
];

#[derive(Debug)]
pub struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for (path, item) in &mut openapi.paths.paths {
            let in_api = path.starts_with("/api/v1/");
            for operation in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                add_shared(operation, in_api);
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        for shared in SHARED {
            components
                .responses
                .insert(shared.name.to_owned(), RefOr::T(response(shared)));
        }
    }
}

fn add_shared(operation: &mut Operation, in_api: bool) {
    let has = |location: ParameterIn| {
        operation
            .parameters
            .iter()
            .flatten()
            .any(|p| p.parameter_in == location)
    };
    let body = operation.request_body.is_some();
    let query = has(ParameterIn::Query);
    let path_id = has(ParameterIn::Path);
    let authenticated = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    for shared in SHARED {
        let applies = match shared.when {
            When::Authenticated => authenticated,
            When::Body => body,
            When::BodyOrQuery => body || query,
            When::PathId => path_id,
            When::Storage => in_api,
        };
        if applies {
            operation
                .responses
                .responses
                .entry(shared.status.to_owned())
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(shared.name)));
        }
    }
}

fn response(shared: &Shared) -> Response {
    let body = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ErrorBody")))
        .build();
    let mut builder = ResponseBuilder::new()
        .description(shared.description)
        .content("application/json", body);
    if shared.retry_after {
        let seconds = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::Integer))
            .description(Some("Seconds to wait before retrying"))
            .build();
        builder = builder.header("Retry-After", seconds);
    }
    if shared.www_authenticate {
        let challenge = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some("`Bearer`"))
            .build();
        builder = builder.header("WWW-Authenticate", challenge);
    }
    builder.build()
}
