//! The `filter` of a SCIM listing (RFC 7644 §3.4.2.2), as far as a directory needs it to find
//! its users before it creates or links them: `userName eq "…"` or `externalId eq "…"`. Written
//! by hand: the SCIM filter crates on crates.io are young and unmaintained, and the full
//! grammar (and, or, not, sub-attributes, ordering) would only widen what must be tested.
//! Attribute and operator names are case-insensitive; the value is a JSON string.

use super::error::ScimError;
use crate::store::directory::Matching;

pub fn parse(filter: &str) -> Result<Matching, ScimError> {
    let unsupported = || {
        ScimError::bad(
            "invalidFilter",
            "only `userName eq \"…\"` and `externalId eq \"…\"` are supported",
        )
    };
    let filter = filter.trim();
    let (attribute, rest) = filter
        .split_once(char::is_whitespace)
        .ok_or_else(unsupported)?;
    let (operator, value) = rest
        .trim_start()
        .split_once(char::is_whitespace)
        .ok_or_else(unsupported)?;
    if !operator.eq_ignore_ascii_case("eq") {
        return Err(unsupported());
    }
    let value: String = serde_json::from_str(value.trim())
        .map_err(|_| ScimError::bad("invalidFilter", "the value must be a quoted string"))?;
    // The core schema's URN may prefix the attribute (RFC 7644 §3.10).
    let attribute = attribute
        .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:User:")
        .unwrap_or(attribute);
    if attribute.eq_ignore_ascii_case("userName") {
        Ok(Matching::UserName(value))
    } else if attribute.eq_ignore_ascii_case("externalId") {
        Ok(Matching::ExternalId(value))
    } else {
        Err(unsupported())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_on_user_name_or_external_id() {
        let ok = |f: &str| parse(f).unwrap();
        assert_eq!(
            ok(r#"userName eq "karen@kommune.dk""#),
            Matching::UserName("karen@kommune.dk".into())
        );
        assert_eq!(
            ok(r#"  USERNAME   EQ  "a\"b"  "#),
            Matching::UserName("a\"b".into())
        );
        assert_eq!(
            ok(r#"urn:ietf:params:scim:schemas:core:2.0:User:externalId eq "x-1""#),
            Matching::ExternalId("x-1".into())
        );
        for refused in [
            "",
            "userName",
            r#"userName ne "a""#,
            r#"userName eq a"#,
            r#"userName eq "a" and active eq true"#,
            r#"displayName eq "a""#,
            r#"userName co "a""#,
        ] {
            let e = parse(refused).unwrap_err();
            assert_eq!(e.scim_type, Some("invalidFilter"), "{refused}");
        }
    }
}
