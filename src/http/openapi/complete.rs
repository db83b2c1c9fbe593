//! Fills in what every operation of the API shares, so the document says what the service
//! really answers (the schemathesis contract test holds it to that):
//! - path parameters: actix's `web::Path<CaseId>` carries no names, so each `{name}` of a path
//!   becomes a parameter (a UUID, or a version number for `{n}`);
//! - the problems the shared layers answer before a handler decides anything: 401 without a
//!   session, 404 for an unknown or malformed id, 400/413/415 for a body that cannot be read,
//!   422 for one without the expected fields, 400 for a query that does not parse, 503 while
//!   the database is away;
//! - every problem as `application/problem+json`, and one operation id per method and path
//!   (the handlers' own names repeat across modules);
//! - the session cookie as the security scheme of every operation that needs a login.

use utoipa::openapi::path::{Operation, Parameter, ParameterBuilder, ParameterIn, PathItem};
use utoipa::openapi::request_body::RequestBody;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{
    Content, ContentBuilder, KnownFormat, Object, ObjectBuilder, OpenApi, Ref, RefOr, Required,
    ResponseBuilder, SchemaFormat, Type,
};

/// Routes a caller may reach without a session.
const OPEN: &[&str] = &["/healthz", "/readyz", "/metrics", "/dev-idp/identities"];

const SESSION: &str = "session";

pub struct Completion;

impl utoipa::Modify for Completion {
    fn modify(&self, doc: &mut OpenApi) {
        // The name over plain HTTP; behind TLS the cookie is `__Host-vejviser_session`.
        let cookie = ApiKeyValue::new(crate::http::extractors::cookie_name(false));
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme(SESSION, SecurityScheme::ApiKey(ApiKey::Cookie(cookie)));
        for (path, item) in doc.paths.paths.iter_mut() {
            for (method, operation) in operations(item) {
                operation.operation_id = Some(operation_id(method, path));
                if !OPEN.contains(&path.as_str()) {
                    let session = SecurityRequirement::new(SESSION, Vec::<String>::new());
                    operation.security = Some(vec![session]);
                }
                add_path_parameters(operation, path);
                add_shared_problems(operation, path);
                problems_as_problem_json(operation);
            }
        }
    }
}

fn operations(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    let all = [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ];
    all.into_iter()
        .filter_map(|(method, op)| op.map(|op| (method, op)))
        .collect()
}

/// `get /api/v1/cases/{case_id}/access-log` → `get_cases_case_id_access_log`.
fn operation_id(method: &str, path: &str) -> String {
    let words = path
        .trim_start_matches("/api/v1")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty());
    std::iter::once(method)
        .chain(words)
        .collect::<Vec<_>>()
        .join("_")
}

fn placeholders(path: &str) -> impl Iterator<Item = &str> {
    path.split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
}

fn add_path_parameters(operation: &mut Operation, path: &str) {
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    for name in placeholders(path) {
        let present = parameters.iter().any(|p| match p {
            RefOr::T(p) => p.name == name && p.parameter_in == ParameterIn::Path,
            RefOr::Ref(_) => false,
        });
        if !present {
            parameters.push(RefOr::T(path_parameter(name)));
        }
    }
}

fn path_parameter(name: &str) -> Parameter {
    let (schema, description): (Object, _) = if name == "n" {
        let number = ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(1));
        (number.build(), "The version number, from 1")
    } else {
        let uuid = SchemaFormat::KnownFormat(KnownFormat::Uuid);
        let id = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(uuid));
        (
            id.build(),
            "An id (UUID); an unknown or malformed one answers 404",
        )
    };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

fn add_shared_problems(operation: &mut Operation, path: &str) {
    let mut shared: Vec<(&str, &str)> = vec![(
        "503",
        "The database or the document store is out of reach for now; try again",
    )];
    if !OPEN.contains(&path) {
        shared.push(("401", "No session: log in first"));
    }
    if path.contains('{') {
        shared.push(("404", "No such case, document, participant or account here"));
    }
    if operation.request_body.as_ref().is_some_and(has_body) {
        shared.push(("400", "The body cannot be read"));
        shared.push(("413", "The body is too large"));
        shared.push(("415", "The body has the wrong content type"));
        shared.push(("422", "The body does not have the expected fields"));
    }
    let has_query = operation.parameters.iter().flatten().any(|p| match p {
        RefOr::T(p) => p.parameter_in == ParameterIn::Query,
        RefOr::Ref(_) => false,
    });
    if has_query {
        shared.push(("400", "The query does not parse"));
    }
    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::T(problem_response(description)));
    }
}

fn has_body(body: &RefOr<RequestBody>) -> bool {
    matches!(body, RefOr::T(body) if !body.content.is_empty())
}

fn problem_response(description: &str) -> utoipa::openapi::Response {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("ProblemBody")))
        .build();
    ResponseBuilder::new()
        .description(description)
        .content(crate::http::problem::CONTENT_TYPE, content)
        .build()
}

/// utoipa writes every `body = ProblemBody` as `application/json`; the service sends problems
/// as `application/problem+json`.
fn problems_as_problem_json(operation: &mut Operation) {
    for response in operation.responses.responses.values_mut() {
        let RefOr::T(response) = response else {
            continue;
        };
        let is_problem = matches!(
            response.content.get("application/json"),
            Some(RefOr::T(content)) if is_problem_body(content)
        );
        if is_problem && let Some(content) = response.content.shift_remove("application/json") {
            response
                .content
                .insert(crate::http::problem::CONTENT_TYPE.to_owned(), content);
        }
    }
}

fn is_problem_body(content: &Content) -> bool {
    matches!(&content.schema, Some(RefOr::Ref(r)) if r.ref_location.ends_with("/ProblemBody"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_ids_follow_method_and_path() {
        assert_eq!(
            operation_id("get", "/api/v1/cases/{case_id}/access-log.csv"),
            "get_cases_case_id_access_log_csv"
        );
        assert_eq!(operation_id("get", "/healthz"), "get_healthz");
    }

    #[test]
    fn placeholders_are_read_in_order() {
        let path = "/api/v1/documents/{document_id}/versions/{n}/content";
        assert_eq!(placeholders(path).collect::<Vec<_>>(), ["document_id", "n"]);
        assert_eq!(placeholders("/api/v1/me").count(), 0);
    }
}
