use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;

use super::*;

const KEY_A: &[u8] = b"0123456789abcdef0123456789abcdef-key-a";
const KEY_B: &[u8] = b"0123456789abcdef0123456789abcdef-key-b";

fn ring(keys: &[(&str, &[u8])], active: &str) -> JwtKeyRing {
    JwtKeyRing::new(
        keys.iter().map(|(k, s)| ((*k).to_owned(), s.to_vec())),
        active,
        "mini-xdr",
        "mini-xdr-api",
    )
    .unwrap()
}

fn subject() -> AccessSubject {
    AccessSubject {
        user_id: UserId::generate(),
        organization_id: OrganizationId::generate(),
        role: Role::Analyst,
        session_id: SessionId::generate(),
    }
}

fn claims_for(ring: &JwtKeyRing, now: DateTime<Utc>) -> AccessClaims {
    let token = ring.issue(subject(), now, 900).unwrap();
    ring.verify(&token, now).unwrap()
}

#[test]
fn round_trip() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let s = subject();
    let token = r.issue(s, now, 900).unwrap();
    let claims = r.verify(&token, now).unwrap();
    assert_eq!(claims.sub, s.user_id);
    assert_eq!(claims.org, s.organization_id);
    assert_eq!(claims.sid, s.session_id);
    assert_eq!(claims.role, Role::Analyst);
    assert_eq!(claims.typ, "access");
    assert_eq!(claims.exp - claims.iat, 900);
}

#[test]
fn key_validation() {
    let short = JwtKeyRing::new([("a".to_owned(), b"short".to_vec())], "a", "i", "a");
    assert_eq!(short.unwrap_err(), JwtKeyError::TooShort("a".into()));
    let empty = JwtKeyRing::new(Vec::<(String, Vec<u8>)>::new(), "a", "i", "a");
    assert_eq!(empty.unwrap_err(), JwtKeyError::Empty);
    let unknown = JwtKeyRing::new([("a".to_owned(), KEY_A.to_vec())], "b", "i", "a");
    assert_eq!(unknown.unwrap_err(), JwtKeyError::UnknownActive("b".into()));
}

#[test]
fn rotation_old_keys_still_verify() {
    let old = ring(&[("a", KEY_A)], "a");
    let rotated = ring(&[("a", KEY_A), ("b", KEY_B)], "b");
    let now = Utc::now();
    let old_token = old.issue(subject(), now, 900).unwrap();
    assert!(rotated.verify(&old_token, now).is_ok());
    let new_token = rotated.issue(subject(), now, 900).unwrap();
    assert_eq!(decode_header(&new_token).unwrap().kid.as_deref(), Some("b"));
    // A ring that dropped the key refuses its tokens.
    let retired = ring(&[("b", KEY_B)], "b");
    assert_eq!(retired.verify(&old_token, now), Err(TokenError::Invalid));
}

#[test]
fn expired_tokens_are_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let token = r
        .issue(subject(), now - Duration::seconds(901), 900)
        .unwrap();
    assert_eq!(r.verify(&token, now), Err(TokenError::Invalid));
    // Exactly at expiry counts as expired.
    let token = r
        .issue(subject(), now - Duration::seconds(900), 900)
        .unwrap();
    assert_eq!(r.verify(&token, now), Err(TokenError::Invalid));
}

#[test]
fn wrong_key_is_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let attacker = ring(&[("a", KEY_B)], "a");
    let now = Utc::now();
    let token = attacker.issue(subject(), now, 900).unwrap();
    assert_eq!(r.verify(&token, now), Err(TokenError::Invalid));
}

#[test]
fn wrong_typ_aud_iss_are_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let base = claims_for(&r, now);
    let mut wrong_typ = base.clone();
    wrong_typ.typ = "refresh".into();
    let mut wrong_aud = base.clone();
    wrong_aud.aud = "other-api".into();
    let mut wrong_iss = base.clone();
    wrong_iss.iss = "evil".into();
    for claims in [wrong_typ, wrong_aud, wrong_iss] {
        let token = r.sign(&claims).unwrap();
        assert_eq!(
            r.verify(&token, now),
            Err(TokenError::Invalid),
            "{claims:?}"
        );
    }
}

#[test]
fn alg_none_is_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let claims = claims_for(&r, now);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT","kid":"a"}"#);
    let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    for token in [format!("{header}.{body}."), format!("{header}.{body}")] {
        assert_eq!(r.verify(&token, now), Err(TokenError::Invalid));
    }
}

#[test]
fn tampered_claims_are_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let token = r.issue(subject(), now, 900).unwrap();
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
    claims["role"] = "admin".into();
    parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
    assert_eq!(r.verify(&parts.join("."), now), Err(TokenError::Invalid));
}

#[test]
fn missing_or_unknown_kid_is_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let claims = claims_for(&r, now);
    let no_kid = encode(
        &Header::new(ALGORITHM),
        &claims,
        &EncodingKey::from_secret(KEY_A),
    )
    .unwrap();
    assert_eq!(r.verify(&no_kid, now), Err(TokenError::Invalid));
    let mut h = Header::new(ALGORITHM);
    h.kid = Some("zz".into());
    let unknown = encode(&h, &claims, &EncodingKey::from_secret(KEY_A)).unwrap();
    assert_eq!(r.verify(&unknown, now), Err(TokenError::Invalid));
}

#[test]
fn other_algorithms_are_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let claims = claims_for(&r, now);
    let mut h = Header::new(Algorithm::HS512);
    h.kid = Some("a".into());
    let token = encode(&h, &claims, &EncodingKey::from_secret(KEY_A)).unwrap();
    assert_eq!(r.verify(&token, now), Err(TokenError::Invalid));
}

#[test]
fn garbage_is_refused() {
    let r = ring(&[("a", KEY_A)], "a");
    for token in [
        "",
        "abc",
        "a.b.c",
        "Xq3v-opaque-refresh-token-looking-string-43c",
    ] {
        assert_eq!(r.verify(token, Utc::now()), Err(TokenError::Invalid));
    }
}

#[test]
fn debug_hides_keys() {
    let r = ring(&[("a", KEY_A)], "a");
    let printed = format!("{r:?}");
    assert!(!printed.contains("0123456789abcdef"));
}

#[test]
fn browser_and_access_tokens_are_not_interchangeable() {
    let r = ring(&[("a", KEY_A)], "a");
    let now = Utc::now();
    let browser = r
        .issue_typed(subject(), now, 900, BROWSER_TOKEN_TYPE)
        .unwrap();
    let access = r.issue(subject(), now, 900).unwrap();
    assert_eq!(r.verify(&browser, now), Err(TokenError::Invalid));
    assert_eq!(
        r.verify_typed(&access, now, BROWSER_TOKEN_TYPE),
        Err(TokenError::Invalid)
    );
    let claims = r.verify_typed(&browser, now, BROWSER_TOKEN_TYPE).unwrap();
    assert_eq!(claims.typ, BROWSER_TOKEN_TYPE);
}
