//! The SCIM User resource (RFC 7643 §4.1, with the enterprise extension's `department`, §4.3) as
//! vejviser writes and reads it. `userName` is the staff member's e-mail address (staff log in and
//! are found by it); the name is `displayName`, else `name.formatted`, else `name.givenName` and
//! `name.familyName`; the department is the enterprise `department`, through the client's
//! `departments` map or in vejviser's own words. Attribute names are case-insensitive (§2.1).
//! The admin flag is not part of it: the directory never makes anyone an admin.

use super::error::ScimError;
use crate::config::scim::ScimClient;
use crate::domain::email::Email;
use crate::domain::person_name::PersonName;
use crate::staff::directory::Entry;
use crate::store::directory::DirectoryUser;
use serde_json::{Map, Value, json};

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const ENTERPRISE_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
/// The longest `externalId` kept (Entra's object ids are 36 characters).
const MAX_EXTERNAL_ID: usize = 200;

/// The user as the directory reads it, located under `base` (`https://…/scim/v2`).
pub fn resource(user: &DirectoryUser, base: &str) -> Value {
    let mut out = json!({
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "id": user.id.to_string(),
        "userName": user.email,
        "displayName": user.name,
        "name": { "formatted": user.name },
        "emails": [{ "value": user.email, "type": "work", "primary": true }],
        "active": user.is_active,
        ENTERPRISE_SCHEMA: { "department": user.department.as_str() },
        "meta": {
            "resourceType": "User",
            "created": user.created_at,
            "location": format!("{base}/Users/{}", user.id),
        },
    });
    if let Some(external_id) = &user.external_id {
        out["externalId"] = json!(external_id);
    }
    out
}

/// The member of `object` named `name`, whatever its case.
pub fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    object
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
        .filter(|value| !value.is_null())
}

/// `object`'s members, with the one named `name` (whatever its case) replaced by `value`.
pub fn set_field(object: &mut Map<String, Value>, name: &str, value: Value) {
    object.retain(|key, _| !key.eq_ignore_ascii_case(name));
    object.insert(name.to_owned(), value);
}

fn text<'a>(object: &'a Value, name: &str) -> Result<Option<&'a str>, ScimError> {
    match field(object, name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.trim().is_empty())),
        Some(_) => Err(ScimError::bad(
            "invalidValue",
            format!("{name} must be a string"),
        )),
    }
}

/// A boolean, also as the strings "True"/"False" some directories send.
pub fn boolean(value: &Value, name: &str) -> Result<bool, ScimError> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Ok(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(ScimError::bad(
            "invalidValue",
            format!("{name} must be true or false"),
        )),
    }
}

/// What the directory says the user is, from a whole User document (a POST, a PUT, or the
/// current resource with a PATCH applied).
pub fn entry_of(
    document: &Value,
    client_name: &str,
    client: &ScimClient,
) -> Result<Entry, ScimError> {
    if !document.is_object() {
        return Err(ScimError::bad(
            "invalidSyntax",
            "the body must be a User object",
        ));
    }
    let user_name = text(document, "userName")?
        .ok_or_else(|| ScimError::bad("invalidValue", "userName is required"))?;
    let email = Email::parse(user_name).map_err(|e| {
        ScimError::bad(
            "invalidValue",
            format!("userName must be the staff member's e-mail address: {e}"),
        )
    })?;
    let name = name_of(document)?;
    let name = PersonName::parse(&name)
        .map_err(|e| ScimError::bad("invalidValue", format!("displayName: {e}")))?;
    let department = match field(document, ENTERPRISE_SCHEMA).map(|ext| text(ext, "department")) {
        Some(Err(e)) => return Err(e),
        Some(Ok(Some(value))) => client.department(value).ok_or_else(|| {
            ScimError::bad(
                "invalidValue",
                format!(
                    "department '{}' is not known: name it in scim.clients.{client_name}.departments",
                    value.chars().take(80).collect::<String>()
                ),
            )
        })?,
        Some(Ok(None)) | None => client.default_department.ok_or_else(|| {
            ScimError::bad(
                "invalidValue",
                format!(
                    "the enterprise extension's department is required \
                     (or scim.clients.{client_name}.default_department)"
                ),
            )
        })?,
    };
    let active = field(document, "active")
        .map(|v| boolean(v, "active"))
        .transpose()?
        .unwrap_or(true);
    let external_id = text(document, "externalId")?.map(str::to_owned);
    if external_id
        .as_ref()
        .is_some_and(|id| id.chars().count() > MAX_EXTERNAL_ID)
    {
        return Err(ScimError::bad("invalidValue", "externalId is too long"));
    }
    Ok(Entry {
        email,
        name,
        department,
        active,
        external_id,
    })
}

fn name_of(document: &Value) -> Result<String, ScimError> {
    if let Some(display) = text(document, "displayName")? {
        return Ok(display.to_owned());
    }
    let missing = || ScimError::bad("invalidValue", "displayName (or name) is required");
    let name = field(document, "name").ok_or_else(missing)?;
    if let Some(formatted) = text(name, "formatted")? {
        return Ok(formatted.to_owned());
    }
    let parts: Vec<&str> = [text(name, "givenName")?, text(name, "familyName")?]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        return Err(missing());
    }
    Ok(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::department::Department;
    use std::collections::BTreeMap;

    fn client() -> ScimClient {
        ScimClient {
            municipality: "101".into(),
            token_sha256: String::new(),
            departments: BTreeMap::from([("Jobcenter Vest".to_owned(), Department::JobCentre)]),
            default_department: None,
            admins_create_staff: true,
        }
    }

    #[test]
    fn a_user_document_becomes_an_entry() {
        let doc = json!({
            "schemas": [USER_SCHEMA],
            "USERNAME": "Kim@Kommune.dk",
            "name": { "givenName": "Kim", "familyName": "Lund" },
            "active": "False",
            ENTERPRISE_SCHEMA: { "Department": "jobcenter vest" },
            "externalId": "abc",
        });
        let entry = entry_of(&doc, "entra", &client()).unwrap();
        assert_eq!(entry.name.as_str(), "Kim Lund");
        assert_eq!(entry.department, Department::JobCentre);
        assert!(!entry.active);
        assert_eq!(entry.external_id.as_deref(), Some("abc"));
        let own_word = json!({ "userName": "a@b.dk", "displayName": "A", ENTERPRISE_SCHEMA: { "department": "school" } });
        assert_eq!(
            entry_of(&own_word, "entra", &client()).unwrap().department,
            Department::School
        );
    }

    #[test]
    fn what_is_missing_or_wrong_is_named() {
        let refused = |doc: Value| entry_of(&doc, "entra", &client()).unwrap_err().detail;
        let dept = json!({ "department": "school" });
        assert!(
            refused(json!({ "displayName": "A", ENTERPRISE_SCHEMA: dept })).contains("userName")
        );
        assert!(
            refused(
                json!({ "userName": "not an address", "displayName": "A", ENTERPRISE_SCHEMA: dept })
            )
            .contains("e-mail")
        );
        assert!(
            refused(json!({ "userName": "a@b.dk", ENTERPRISE_SCHEMA: dept }))
                .contains("displayName")
        );
        assert!(
            refused(json!({ "userName": "a@b.dk", "displayName": "A" }))
                .contains("default_department")
        );
        assert!(refused(json!({ "userName": "a@b.dk", "displayName": "A", ENTERPRISE_SCHEMA: { "department": "Økonomi" } })).contains("departments"));
        assert!(refused(json!({ "userName": "a@b.dk", "displayName": "A", "active": 3, ENTERPRISE_SCHEMA: dept })).contains("active"));
        assert!(refused(json!([])).contains("object"));
    }
}
