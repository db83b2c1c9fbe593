//! Reading a posted form: the token first, then the fields into the action's input type.

use super::read;
use crate::cases::CaseError;
use crate::domain::access::Access;
use crate::domain::department::Department;
use crate::domain::role::Role;
use crate::error::UserError;
use crate::http::input::{AddParticipant, ChangeAccess, GiveConsent, NoFields};

const TOKEN: &str = "the-session-token";

/// The i18n key an error would show.
fn key(err: CaseError) -> String {
    err.answer().key.to_owned()
}

#[test]
fn a_missing_wrong_or_repeated_token_is_a_stale_form() {
    for body in [
        "",
        "csrf_token=another-token",
        "csrf_token=the-session-token&csrf_token=the-session-token",
        "csrf_token=",
    ] {
        let err = read::<NoFields>(body.as_bytes(), TOKEN).unwrap_err();
        assert_eq!(key(err), "invalid.form.stale", "{body}");
    }
    assert!(read::<NoFields>(b"csrf_token=the-session-token", TOKEN).is_ok());
}

#[test]
fn repeated_scope_fields_become_the_list_and_empty_dates_none() {
    let body = "csrf_token=the-session-token&scope=job_centre&scope=youth_guidance&valid_until=&given_by_participant_id=";
    let consent: GiveConsent = read(body.as_bytes(), TOKEN).unwrap().fields;
    assert_eq!(
        consent.scope,
        vec![Department::JobCentre, Department::YouthGuidance]
    );
    assert_eq!(consent.valid_until, None);
    assert_eq!(consent.given_by_participant_id, None);

    let dated = "csrf_token=the-session-token&scope=school&valid_until=2027-05-31";
    let consent: GiveConsent = read(dated.as_bytes(), TOKEN).unwrap().fields;
    assert_eq!(
        consent.valid_until,
        Some(time::macros::date!(2027 - 05 - 31))
    );
}

#[test]
fn a_field_that_does_not_parse_says_which_and_what_to_do() {
    let cases: [(&str, &str); 3] = [
        ("scope=school&valid_until=31-05-2027", "invalid.date"),
        ("scope=school&signed_on=yesterday", "invalid.date"),
        (
            "scope=school&given_by_participant_id=42",
            "invalid.given_by.choose",
        ),
    ];
    for (fields, expected) in cases {
        let body = format!("csrf_token={TOKEN}&{fields}");
        let err = read::<GiveConsent>(body.as_bytes(), TOKEN).unwrap_err();
        assert_eq!(key(err), expected, "{fields}");
    }
    let body = format!("csrf_token={TOKEN}&access=admin");
    let err = read::<ChangeAccess>(body.as_bytes(), TOKEN).unwrap_err();
    assert_eq!(key(err), "invalid.access.choose");
    let body = format!("csrf_token={TOKEN}&role=caseworker&access=read");
    let err = read::<AddParticipant>(body.as_bytes(), TOKEN).unwrap_err();
    assert_eq!(key(err), "invalid.role.choose");
}

#[test]
fn an_unknown_field_is_refused_not_ignored() {
    let body = format!("csrf_token={TOKEN}&is_admin=1");
    let err = read::<NoFields>(body.as_bytes(), TOKEN).unwrap_err();
    assert_eq!(key(err), "invalid.form.unreadable");
}

#[test]
fn the_add_participant_form_reads_as_the_api_body_does() {
    let body = format!(
        "csrf_token={TOKEN}&role=parent&access=write&cpr=010108-4321&name=Mor&email=&has_custody=true"
    );
    let added: AddParticipant = read(body.as_bytes(), TOKEN).unwrap().fields;
    assert_eq!(added.role, Role::Parent);
    assert_eq!(added.access, Access::Write);
    assert_eq!(added.cpr.as_deref(), Some("010108-4321"));
    assert_eq!(added.email, None);
    assert_eq!(added.has_custody, Some(true));
    assert_eq!(added.account_id, None);
}

#[test]
fn confirmed_is_read_apart_and_the_fields_are_kept_for_a_confirmation_page() {
    let body = "csrf_token=the-session-token&confirmed=yes";
    let confirmed = read::<NoFields>(body.as_bytes(), TOKEN).unwrap();
    assert!(confirmed.confirmed && confirmed.sent.is_empty());
    let body = "csrf_token=the-session-token&access=write";
    let asked = read::<ChangeAccess>(body.as_bytes(), TOKEN).unwrap();
    assert!(!asked.confirmed);
    assert_eq!(asked.sent, vec![("access".to_owned(), "write".to_owned())]);
    for odd in [
        "confirmed=no",
        "confirmed=yes&confirmed=yes",
        "confirmed=",
        "confirmed=YES",
    ] {
        let body = format!("csrf_token=the-session-token&{odd}");
        assert!(
            !read::<NoFields>(body.as_bytes(), TOKEN).unwrap().confirmed,
            "{odd}"
        );
    }
}
