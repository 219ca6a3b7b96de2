//! Why TSD refused a token (403): the token's own claims, read without
//! trusting them (the server has already decided), only to tell "not a
//! member of that group" from "expired" from anything else. TSD's tokens
//! are JWTs whose payload names the user's groups and the expiry.

use base64::Engine;
use serde_json::Value;

use super::TsdError;

/// The payload of a JWT, if the token is one.
fn payload(token: &str) -> Option<Value> {
    let middle = token.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(middle.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Says why a 403 for `group` happened, as far as the token tells.
pub(super) fn explain(token: &str, group: &str, now: i64) -> String {
    let claims = payload(token);
    let exp = claims
        .as_ref()
        .and_then(|c| c.get("exp"))
        .and_then(Value::as_i64);
    let groups: Option<Vec<String>> = claims
        .as_ref()
        .and_then(|c| c.get("groups"))
        .and_then(Value::as_array)
        .map(|g| {
            g.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        });
    match (exp, groups) {
        (Some(exp), _) if exp <= now => "the token has expired: get a new upload token".into(),
        (_, Some(groups)) if !groups.iter().any(|g| g == group) => format!(
            "the token's user is not a member of {group} (the token names {}); choose one of \
             those with --group, or ask the project's administrator for membership",
            if groups.is_empty() {
                "no group".to_owned()
            } else {
                groups.join(", ")
            }
        ),
        (_, Some(_)) => "the token names that group, so it was refused for another reason \
             (another project, or no right to import): get a new upload token for this project"
            .into(),
        _ => format!(
            "the token is wrong or expired, or its user is not a member of {group}: check the \
             group, or get a new upload token"
        ),
    }
}

/// Fills in why a 403 happened.
pub(super) fn fill(e: TsdError, token: &str) -> TsdError {
    match e {
        TsdError::Forbidden { group, why } if why.is_empty() => {
            let why = explain(token, &group, chrono::Utc::now().timestamp());
            TsdError::Forbidden { group, why }
        }
        other => other,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let b = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", b(r#"{"alg":"HS256"}"#), b(payload))
    }

    #[test]
    fn a_refusal_is_told_by_the_token_s_claims() {
        let member = jwt(r#"{"groups":["p11-member-group"],"exp":2000}"#);
        let why = explain(&member, "p11-data-group", 1000);
        assert!(why.contains("not a member of p11-data-group"), "{why}");
        assert!(why.contains("p11-member-group"), "{why}");
        assert!(explain(&member, "p11-member-group", 3000).contains("expired"));
        assert!(explain(&member, "p11-member-group", 1000).contains("another reason"));
        assert!(explain("not-a-jwt", "g", 0).contains("wrong or expired, or"));
    }
}
