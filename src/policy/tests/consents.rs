//! The consent states every case is tried with: none, each giver alone, withdrawn, expired,
//! scheduled, too narrow a scope, and consents from people who are no custody holders.

use super::cast::World;
use super::moments::Moment;
use crate::domain::department::Department;
use crate::domain::ids::ParticipantId;
use crate::policy::{Consent, ConsentGiver};
use time::Duration;

const SCOPE: [Department; 2] = [Department::ChildrenYouth, Department::JobCentre];

fn consent(giver: ConsentGiver, m: &Moment) -> Consent {
    Consent {
        giver,
        scope: SCOPE.to_vec(),
        valid_from: m.now - Duration::days(30),
        valid_until: None,
        withdrawn_at: None,
    }
}

pub(super) type ConsentBuilder = fn(&World, &Moment) -> Vec<Consent>;

pub(super) fn yp(m: &Moment) -> Consent {
    consent(ConsentGiver::YoungPerson, m)
}

pub(super) fn holder(id: ParticipantId, m: &Moment) -> Consent {
    consent(ConsentGiver::CustodyHolder(id), m)
}

pub(super) fn consent_states() -> Vec<(&'static str, ConsentBuilder)> {
    vec![
        ("no consents", |_, _| vec![]),
        ("young person only", |_, m| vec![yp(m)]),
        ("custody holders A and B only", |w, m| {
            vec![holder(w.p_a, m), holder(w.p_b, m)]
        }),
        ("young person, A and B", |w, m| {
            vec![yp(m), holder(w.p_a, m), holder(w.p_b, m)]
        }),
        ("young person's withdrawn an hour ago, A and B", |w, m| {
            vec![
                Consent {
                    withdrawn_at: Some(m.now - Duration::hours(1)),
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person's withdrawn exactly now, A and B", |w, m| {
            vec![
                Consent {
                    withdrawn_at: Some(m.now),
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person, A's withdrawn an hour ago, B", |w, m| {
            vec![
                yp(m),
                Consent {
                    withdrawn_at: Some(m.now - Duration::hours(1)),
                    ..holder(w.p_a, m)
                },
                holder(w.p_b, m),
            ]
        }),
        (
            "young person's expired yesterday (Copenhagen), A and B",
            |w, m| {
                vec![
                    Consent {
                        valid_until: Some(m.yesterday()),
                        ..yp(m)
                    },
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person's valid until today (Copenhagen), A and B",
            |w, m| {
                vec![
                    Consent {
                        valid_until: Some(m.today),
                        ..yp(m)
                    },
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, A's expired yesterday (Copenhagen), B",
            |w, m| {
                vec![
                    yp(m),
                    Consent {
                        valid_until: Some(m.yesterday()),
                        ..holder(w.p_a, m)
                    },
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, A's scope excludes the job centre (children/youth, school), B",
            |w, m| {
                vec![
                    yp(m),
                    Consent {
                        scope: vec![Department::ChildrenYouth, Department::School],
                        ..holder(w.p_a, m)
                    },
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, A and B, every consent covering every department",
            |w, m| {
                [yp(m), holder(w.p_a, m), holder(w.p_b, m)]
                    .into_iter()
                    .map(|c| Consent {
                        scope: Department::ALL.to_vec(),
                        ..c
                    })
                    .collect()
            },
        ),
        (
            "young person's withdrawal scheduled in an hour, A and B",
            |w, m| {
                vec![
                    Consent {
                        withdrawn_at: Some(m.now + Duration::hours(1)),
                        ..yp(m)
                    },
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        ("young person's starts in an hour, A and B", |w, m| {
            vec![
                Consent {
                    valid_from: m.now + Duration::hours(1),
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person's starts exactly now, A and B", |w, m| {
            vec![
                Consent {
                    valid_from: m.now,
                    ..yp(m)
                },
                holder(w.p_a, m),
                holder(w.p_b, m),
            ]
        }),
        ("young person and A only (B has not consented)", |w, m| {
            vec![yp(m), holder(w.p_a, m)]
        }),
        ("young person and B only (A has not consented)", |w, m| {
            vec![yp(m), holder(w.p_b, m)]
        }),
        (
            "young person, plus an old withdrawn empty-scope one, A and B",
            |w, m| {
                vec![
                    Consent {
                        scope: vec![],
                        withdrawn_at: Some(m.now - Duration::days(10)),
                        ..yp(m)
                    },
                    yp(m),
                    holder(w.p_a, m),
                    holder(w.p_b, m),
                ]
            },
        ),
        (
            "young person, parent C (no custody) and an unknown 'custody holder'",
            |w, m| vec![yp(m), holder(w.p_c, m), holder(w.p_unknown, m)],
        ),
    ]
}
