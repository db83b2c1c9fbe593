//! A SCIM PATCH (RFC 7644 §3.5.2) applied to the user's current document, which is then read
//! like a PUT: the same checks, the same changes. Operations `add`, `replace` and `remove` (any
//! case); paths are an attribute (`active`, `userName`, `displayName`, `externalId`), a
//! sub-attribute (`name.givenName`), the enterprise `department` under its URN, or
//! `emails[type eq "work"].value`; without a path the value is an object of such attributes.
//! Attributes vejviser does not keep (a phone number, a title) are accepted and not kept.

use super::error::ScimError;
use super::user::{ENTERPRISE_SCHEMA, field, set_field};
use serde_json::{Map, Value, json};

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// More operations than a directory sends for one user.
const MAX_OPERATIONS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Set,
    Remove,
}

/// Applies the PatchOp `body` to `document`.
pub fn apply(document: &mut Value, body: &Value) -> Result<(), ScimError> {
    let schemas = field(body, "schemas").and_then(Value::as_array);
    if !schemas.is_some_and(|s| s.iter().any(|s| s == PATCH_SCHEMA)) {
        return Err(ScimError::bad(
            "invalidSyntax",
            format!("schemas must name {PATCH_SCHEMA}"),
        ));
    }
    let operations = field(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::bad("invalidSyntax", "Operations must be a list"))?;
    if operations.is_empty() || operations.len() > MAX_OPERATIONS {
        let why = format!("Operations must hold 1 to {MAX_OPERATIONS} operations");
        return Err(ScimError::bad("invalidSyntax", why));
    }
    let mut touched = Vec::new();
    for operation in operations {
        let op = match field(operation, "op").and_then(Value::as_str) {
            Some(op) if op.eq_ignore_ascii_case("add") || op.eq_ignore_ascii_case("replace") => {
                Op::Set
            }
            Some(op) if op.eq_ignore_ascii_case("remove") => Op::Remove,
            _ => {
                return Err(ScimError::bad(
                    "invalidSyntax",
                    "op must be add, replace or remove",
                ));
            }
        };
        let value = field(operation, "value").cloned();
        match (field(operation, "path").and_then(Value::as_str), op, value) {
            (Some(path), Op::Set, Some(value)) => {
                set(document, &segments(path)?, value, &mut touched)?
            }
            (Some(path), Op::Remove, _) => remove(document, &segments(path)?, &mut touched)?,
            (None, Op::Set, Some(Value::Object(values))) => {
                for (key, value) in values {
                    set_member(document, &key, value, &mut touched)?;
                }
            }
            (None, Op::Remove, _) => return Err(ScimError::bad("noTarget", "remove needs a path")),
            _ => {
                return Err(ScimError::bad(
                    "invalidValue",
                    "add and replace need a value",
                ));
            }
        }
    }
    forget_stale_name(document, &touched);
    Ok(())
}

/// A member of a value object: an attribute, a dotted sub-attribute, or the extension's object.
fn set_member(
    document: &mut Value,
    key: &str,
    value: Value,
    touched: &mut Vec<String>,
) -> Result<(), ScimError> {
    match value {
        Value::Object(inner) if key.eq_ignore_ascii_case(ENTERPRISE_SCHEMA) => {
            for (name, value) in inner {
                set(
                    document,
                    &[ENTERPRISE_SCHEMA.to_owned(), name],
                    value,
                    touched,
                )?;
            }
            Ok(())
        }
        value => set(document, &segments(key)?, value, touched),
    }
}

/// The keys a path walks: `name.givenName` is two, the extension's URN one, and the one
/// filtered path supported, `emails[…].value`, stands for the work address.
fn segments(path: &str) -> Result<Vec<String>, ScimError> {
    let path = path.trim();
    if let Some(rest) = path.strip_prefix(ENTERPRISE_SCHEMA) {
        let rest = rest.strip_prefix(':').unwrap_or(rest);
        let mut keys = vec![ENTERPRISE_SCHEMA.to_owned()];
        keys.extend(rest.split('.').filter(|k| !k.is_empty()).map(str::to_owned));
        return Ok(keys);
    }
    let path = path
        .strip_prefix("urn:ietf:params:scim:schemas:core:2.0:User:")
        .unwrap_or(path);
    if path
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("emails["))
    {
        return Ok(vec!["emails".to_owned()]);
    }
    if path.contains(['[', ']', ' ']) || path.is_empty() {
        return Err(ScimError::bad(
            "invalidPath",
            format!("path '{path}' is not supported"),
        ));
    }
    let keys: Vec<String> = path.split('.').map(str::to_owned).collect();
    let read_only = ["id", "meta", "schemas"];
    if read_only.iter().any(|r| keys[0].eq_ignore_ascii_case(r)) {
        return Err(ScimError::bad(
            "mutability",
            format!("{} cannot be changed", keys[0]),
        ));
    }
    Ok(keys)
}

fn set(
    document: &mut Value,
    keys: &[String],
    value: Value,
    touched: &mut Vec<String>,
) -> Result<(), ScimError> {
    let value = if keys.len() == 1 && keys[0] == "emails" && !value.is_array() {
        // `emails[type eq "work"].value`: the value is the address itself.
        json!([{ "value": value, "type": "work", "primary": true }])
    } else {
        value
    };
    touched.push(keys.join(".").to_ascii_lowercase());
    let (last, parents) = keys
        .split_last()
        .ok_or_else(|| ScimError::bad("invalidPath", "empty path"))?;
    let mut object = as_object(document)?;
    for key in parents {
        let existing = object
            .iter()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && v.is_object())
            .map(|(k, _)| k.clone());
        let name = match existing {
            Some(name) => name,
            None => {
                set_field(object, key, Value::Object(Map::new()));
                key.clone()
            }
        };
        let inner = object.get_mut(&name);
        object = as_object(inner.ok_or_else(|| ScimError::bad("invalidPath", "no such object"))?)?;
    }
    set_field(object, last, value);
    Ok(())
}

fn remove(
    document: &mut Value,
    keys: &[String],
    touched: &mut Vec<String>,
) -> Result<(), ScimError> {
    touched.push(keys.join(".").to_ascii_lowercase());
    let mut object = as_object(document)?;
    let (last, parents) = keys
        .split_last()
        .ok_or_else(|| ScimError::bad("invalidPath", "empty path"))?;
    for key in parents {
        let Some(name) = object.keys().find(|k| k.eq_ignore_ascii_case(key)).cloned() else {
            return Ok(());
        };
        match object.get_mut(&name) {
            Some(Value::Object(inner)) => object = inner,
            _ => return Ok(()),
        }
    }
    object.retain(|key, _| !key.eq_ignore_ascii_case(last));
    Ok(())
}

fn as_object(value: &mut Value) -> Result<&mut Map<String, Value>, ScimError> {
    value
        .as_object_mut()
        .ok_or_else(|| ScimError::bad("invalidPath", "the path does not lead to an object"))
}

/// A patch that changes the name's parts but not the whole: the old whole would win when the
/// document is read, so it goes.
fn forget_stale_name(document: &mut Value, touched: &[String]) {
    let touches = |prefix: &str| {
        touched
            .iter()
            .any(|t| t == prefix || t.starts_with(&format!("{prefix}.")))
    };
    let Some(object) = document.as_object_mut() else {
        return;
    };
    let parts = touches("name.givenname") || touches("name.familyname");
    if parts
        && !touches("name.formatted")
        && let Some(Value::Object(name)) = object
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case("name"))
            .map(|(_, v)| v)
    {
        name.retain(|k, _| !k.eq_ignore_ascii_case("formatted"));
    }
    if touches("name") && !touches("displayname") {
        object.retain(|k, _| !k.eq_ignore_ascii_case("displayName"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(ops: Value) -> Value {
        json!({ "schemas": [PATCH_SCHEMA], "Operations": ops })
    }

    fn current() -> Value {
        json!({
            "userName": "kim@kommune.dk",
            "displayName": "Kim Lund",
            "name": { "formatted": "Kim Lund" },
            "active": true,
            ENTERPRISE_SCHEMA: { "department": "school" },
        })
    }

    #[test]
    fn operations_change_the_document() {
        let mut doc = current();
        let ops = json!([
            { "op": "Replace", "path": "active", "value": "False" },
            { "op": "add", "path": format!("{ENTERPRISE_SCHEMA}:department"), "value": "adult" },
            { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "kim@ny.dk" },
            { "op": "replace", "value": { "externalId": "x1", "name.givenName": "Kimmie", "name.familyName": "Lund" } },
        ]);
        apply(&mut doc, &patch(ops)).unwrap();
        assert_eq!(doc["active"], "False");
        assert_eq!(doc[ENTERPRISE_SCHEMA]["department"], "adult");
        assert_eq!(doc["emails"][0]["value"], "kim@ny.dk");
        assert_eq!(doc["externalId"], "x1");
        assert_eq!(doc["name"]["givenName"], "Kimmie");
        assert!(doc.get("displayName").is_none() && doc["name"].get("formatted").is_none());
        let mut doc = current();
        let ops = json!([{ "op": "remove", "path": "userName" }, { "op": "replace", "value": { "displayName": "K" } }]);
        apply(&mut doc, &patch(ops)).unwrap();
        assert!(doc.get("userName").is_none());
        assert_eq!(doc["displayName"], "K");
    }

    #[test]
    fn what_cannot_be_applied_is_refused_with_its_type() {
        let refused = |body: Value| apply(&mut current(), &body).unwrap_err().scim_type;
        assert_eq!(refused(json!({ "Operations": [] })), Some("invalidSyntax"));
        assert_eq!(refused(patch(json!([]))), Some("invalidSyntax"));
        assert_eq!(
            refused(patch(json!([{ "op": "move", "path": "active" }]))),
            Some("invalidSyntax")
        );
        assert_eq!(
            refused(patch(json!([{ "op": "remove" }]))),
            Some("noTarget")
        );
        assert_eq!(
            refused(patch(json!([{ "op": "add", "path": "active" }]))),
            Some("invalidValue")
        );
        assert_eq!(
            refused(patch(json!([{ "op": "add", "path": "id", "value": "x" }]))),
            Some("mutability")
        );
        assert_eq!(
            refused(patch(
                json!([{ "op": "add", "path": "members[value eq \"1\"]", "value": 1 }])
            )),
            Some("invalidPath")
        );
        // A multibyte character where the `emails[` prefix is looked for: a refusal, not a panic.
        let multibyte = json!([{ "op": "add", "path": "emailsø[x]", "value": 1 }]);
        assert_eq!(refused(patch(multibyte)), Some("invalidPath"));
    }
}
