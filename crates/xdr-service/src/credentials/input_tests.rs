use super::*;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEBYaDH8AAAAAAAAAAA==";

fn secret(s: &str) -> SecretText {
    SecretText::new(s.to_owned())
}

fn create_input() -> CreateCredentialInput {
    CreateCredentialInput {
        name: " prod ".into(),
        provider: "aws".into(),
        access_key_id: "AKIAIOSFODNN7EXAMPLE".into(),
        secret_access_key: secret(SECRET),
        session_token: None,
        region: Some("eu-west-1".into()),
        account_id: Some("012345678901".into()),
        is_default: true,
    }
}

fn fields(errors: FieldErrors) -> Vec<String> {
    errors.into_map().into_keys().collect()
}

#[test]
fn valid_create() {
    let valid = validate_create(create_input()).unwrap();
    assert_eq!(valid.name.as_str(), "prod");
    assert_eq!(valid.access_key_id.preview(), "AKIA…MPLE");
    assert_eq!(valid.secret_access_key.expose(), SECRET);
    assert_eq!(valid.region.unwrap().as_str(), "eu-west-1");
    assert!(valid.is_default);
}

#[test]
fn every_bad_create_field_is_reported_without_its_value() {
    let bad = CreateCredentialInput {
        name: "".into(),
        provider: "gcp".into(),
        access_key_id: "AKIA".into(),
        secret_access_key: secret("hunter2-hunter2"),
        session_token: Some(secret("x")),
        region: Some("moon-1".into()),
        account_id: Some("12".into()),
        is_default: false,
    };
    let errors = validate_create(bad).unwrap_err();
    let printed = format!("{errors:?}");
    assert!(!printed.contains("hunter2"), "{printed}");
    assert_eq!(
        fields(errors),
        [
            "access_key_id",
            "account_id",
            "name",
            "provider",
            "region",
            "secret_access_key",
            "session_token"
        ]
    );
}

#[test]
fn session_tokens_go_with_temporary_keys_only() {
    let mut temporary = create_input();
    temporary.access_key_id = "ASIAIOSFODNN7EXAMPLE".into();
    assert_eq!(
        fields(validate_create(temporary).unwrap_err()),
        ["session_token"]
    );
    let mut temporary = create_input();
    temporary.access_key_id = "ASIAIOSFODNN7EXAMPLE".into();
    temporary.session_token = Some(secret(TOKEN));
    let valid = validate_create(temporary).unwrap();
    assert_eq!(valid.session_token.unwrap().expose(), TOKEN);

    let mut long_term = create_input();
    long_term.session_token = Some(secret(TOKEN));
    assert_eq!(
        fields(validate_create(long_term).unwrap_err()),
        ["session_token"]
    );
}

#[test]
fn update_validation() {
    let valid = validate_update(UpdateCredentialInput {
        name: Some("new".into()),
        region: Some(None),
        is_default: Some(false),
        secret_access_key: Some(secret(SECRET)),
    })
    .unwrap();
    assert_eq!(valid.name.unwrap().as_str(), "new");
    assert_eq!(valid.region, Some(None));
    assert_eq!(valid.is_default, Some(false));
    assert!(valid.secret_access_key.is_some());

    let empty = validate_update(UpdateCredentialInput::default()).unwrap();
    assert!(empty.name.is_none() && empty.region.is_none() && empty.secret_access_key.is_none());

    let bad = validate_update(UpdateCredentialInput {
        name: Some("\u{0}".into()),
        region: Some(Some("nowhere".into())),
        is_default: None,
        secret_access_key: Some(secret("short")),
    })
    .unwrap_err();
    assert_eq!(fields(bad), ["name", "region", "secret_access_key"]);
}

#[test]
fn page_validation() {
    let default = validate_page(&ListCredentialsInput::default()).unwrap();
    assert_eq!(
        default,
        ValidPage {
            limit: DEFAULT_PAGE_SIZE,
            before: None
        }
    );
    let id = CredentialId::generate();
    let page = validate_page(&ListCredentialsInput {
        limit: Some(MAX_PAGE_SIZE),
        cursor: Some(id.to_string()),
    })
    .unwrap();
    assert_eq!(page.before, Some(id));
    for (limit, cursor) in [(Some(0), None), (Some(501), None), (None, Some("x"))] {
        let input = ListCredentialsInput {
            limit,
            cursor: cursor.map(str::to_owned),
        };
        assert!(validate_page(&input).is_err());
    }
}
