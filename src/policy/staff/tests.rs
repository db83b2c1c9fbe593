//! `decide_staff` against an oracle written from the rules in the module doc, over every actor
//! kind, action and target.

use super::*;
use crate::domain::assurance_level::AssuranceLevel;
use std::sync::LazyLock;

static HOME: LazyLock<MunicipalityId> = LazyLock::new(MunicipalityId::new);
static ELSEWHERE: LazyLock<MunicipalityId> = LazyLock::new(MunicipalityId::new);
static ME: LazyLock<AccountId> = LazyLock::new(AccountId::new);
static COLLEAGUE: LazyLock<AccountId> = LazyLock::new(AccountId::new);

fn actors() -> Vec<(&'static str, Actor)> {
    let staff = |is_admin| ActorKind::Staff {
        municipality: *HOME,
        is_admin,
        may_create_cases: true,
    };
    vec![
        (
            "admin",
            Actor {
                account: *ME,
                kind: staff(true),
            },
        ),
        (
            "staff",
            Actor {
                account: *ME,
                kind: staff(false),
            },
        ),
        (
            "citizen",
            Actor {
                account: *ME,
                kind: ActorKind::Citizen {
                    assurance: AssuranceLevel::High,
                },
            },
        ),
    ]
}

fn actions() -> Vec<StaffAction> {
    vec![
        StaffAction::Search,
        StaffAction::Administer,
        StaffAction::SetActive(true),
        StaffAction::SetActive(false),
        StaffAction::SetAdmin(true),
        StaffAction::SetAdmin(false),
        StaffAction::SetMayCreateCases(true),
        StaffAction::SetMayCreateCases(false),
        StaffAction::SetDepartment,
        StaffAction::ViewGrants,
    ]
}

fn targets() -> Vec<(&'static str, Option<StaffTarget>)> {
    let target = |account, municipality| {
        Some(StaffTarget {
            account,
            municipality,
        })
    };
    vec![
        ("none", None),
        ("myself", target(*ME, Some(*HOME))),
        ("a colleague", target(*COLLEAGUE, Some(*HOME))),
        ("staff elsewhere", target(*COLLEAGUE, Some(*ELSEWHERE))),
        ("a citizen", target(*COLLEAGUE, None)),
    ]
}

/// The rules, in the order a person would check them.
fn oracle(actor_label: &str, action: StaffAction, target_label: &str) -> Result<(), &'static str> {
    let changes_an_account = !matches!(action, StaffAction::Search | StaffAction::Administer);
    if actor_label == "citizen" {
        return Err("staff_only");
    }
    if action == StaffAction::Search {
        return Ok(());
    }
    if actor_label != "admin" {
        return Err("admin_only");
    }
    if action == StaffAction::ViewGrants {
        // Looking changes nothing: one's own grants too, but only in one's own municipality.
        return match target_label {
            "a colleague" | "myself" => Ok(()),
            _ => Err("not_found"),
        };
    }
    if !changes_an_account {
        return Ok(());
    }
    match target_label {
        "a colleague" => Ok(()),
        "myself" => Err("own_account"),
        _ => Err("not_found"),
    }
}

#[test]
fn decide_staff_agrees_with_the_oracle_everywhere() {
    let mut checked = 0;
    for (actor_label, actor) in actors() {
        for action in actions() {
            for (target_label, target) in targets() {
                let got = match decide_staff(&actor, action, target.as_ref()) {
                    Decision::Allow => Ok(()),
                    Decision::Deny(reason) => Err(reason.code()),
                };
                let want = oracle(actor_label, action, target_label);
                assert_eq!(got, want, "{actor_label} {action:?} on {target_label}");
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 3 * 10 * 5);
}

#[test]
fn an_admin_can_neither_lower_nor_raise_their_own_account() {
    let (_, admin) = actors().remove(0);
    let me = StaffTarget {
        account: *ME,
        municipality: Some(*HOME),
    };
    for action in [
        StaffAction::SetActive(false),
        StaffAction::SetActive(true),
        StaffAction::SetAdmin(false),
        StaffAction::SetAdmin(true),
        StaffAction::SetMayCreateCases(true),
        StaffAction::SetMayCreateCases(false),
        StaffAction::SetDepartment,
    ] {
        assert_eq!(
            decide_staff(&admin, action, Some(&me)),
            Decision::Deny(Reason::OwnAccount)
        );
    }
}

#[test]
fn the_directory_manages_its_own_municipalitys_staff_only() {
    for (label, target) in targets() {
        let expected = match label {
            "none" | "myself" | "a colleague" => Decision::Allow,
            _ => Decision::Deny(Reason::NotFound),
        };
        assert_eq!(
            decide_directory(*HOME, target.as_ref()),
            expected,
            "{label}"
        );
    }
}
