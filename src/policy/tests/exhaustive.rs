//! The exhaustive comparison: `decide` and `sharing` against the oracle over every actor, action,
//! case layout, consent state, status, custody rule and moment.

use super::cast::{LAYOUTS, World, case_facts};
use super::consents::consent_states;
use super::moments::moments;
use super::oracle::{oracle, oracle_sharing};
use crate::domain::case_status::CaseStatus;
use crate::domain::custody_rule::CustodyRule;
use crate::policy::{decide, sharing};
use std::collections::BTreeMap;

#[derive(Default)]
struct Disagreements {
    /// (actor, action, expected, got) → (how many combinations, the first one).
    groups: BTreeMap<String, (usize, String)>,
    total: usize,
}

impl Disagreements {
    fn add(&mut self, key: String, combination: String) {
        self.total += 1;
        self.groups.entry(key).or_insert((0, combination)).0 += 1;
    }

    fn report(&self) -> String {
        let mut out = format!(
            "{} disagreement(s) in {} group(s):\n",
            self.total,
            self.groups.len()
        );
        for (key, (count, first)) in &self.groups {
            out.push_str(&format!("- {key} [{count}x; e.g. {first}]\n"));
        }
        out
    }
}

#[test]
fn decide_agrees_with_the_oracle_everywhere() {
    let w = World::new();
    let actors = w.actors();
    let actions = w.actions();
    let rules = [CustodyRule::All, CustodyRule::Any];
    let statuses = [CaseStatus::Active, CaseStatus::Closed, CaseStatus::Erased];
    let mut checked = 0usize;
    let mut sharing_checked = 0usize;
    let mut allowed = 0usize;
    let mut wrong = Disagreements::default();
    let started = std::time::Instant::now();

    for m in &moments() {
        // No case at all.
        for rule in rules {
            for (actor_label, actor) in &actors {
                for (action_label, action) in &actions {
                    let expected = oracle(actor, *action, None, rule, m);
                    let got = decide(actor, *action, None, rule, m.now);
                    checked += 1;
                    if expected != got {
                        wrong.add(
                            w.names(format!("{actor_label} | {action_label} | expected {expected:?} | got {got:?}")),
                            format!("no case, rule {rule:?}, {}", m.label),
                        );
                    }
                }
            }
        }
        for layout in LAYOUTS {
            for (consents_label, build) in &consent_states() {
                for status in statuses {
                    let case = case_facts(&w, layout, build(&w, m), status, m);
                    for rule in rules {
                        let expected_sharing = oracle_sharing(&case, rule, m);
                        let got_sharing = sharing(&case, rule, m.now);
                        sharing_checked += 1;
                        if expected_sharing != got_sharing {
                            wrong.add(
                                w.names(format!(
                                    "sharing | rule {rule:?} | expected {expected_sharing:?} | got {got_sharing:?}"
                                )),
                                format!("{layout:?}, {status:?}, consents: {consents_label}; {}", m.label),
                            );
                        }
                        for (actor_label, actor) in &actors {
                            for (action_label, action) in &actions {
                                let expected = oracle(actor, *action, Some(&case), rule, m);
                                let got = decide(actor, *action, Some(&case), rule, m.now);
                                checked += 1;
                                allowed += usize::from(expected.is_allowed());
                                if expected != got {
                                    wrong.add(
                                        w.names(format!(
                                            "{actor_label} | {action_label} | expected {expected:?} | got {got:?}"
                                        )),
                                        format!(
                                            "{layout:?}, {status:?}, rule {rule:?}, consents: {consents_label}; {}",
                                            m.label
                                        ),
                                    );
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    eprintln!(
        "policy: {checked} decisions ({allowed} allowed by the oracle) and {sharing_checked} sharings checked in {:?}",
        started.elapsed()
    );
    assert!(
        checked >= 100_000,
        "only {checked} combinations were checked"
    );
    assert!(
        sharing_checked >= 1_000,
        "only {sharing_checked} sharings were checked"
    );
    assert!(
        allowed >= 1_000 && allowed < checked / 2,
        "suspicious oracle: {allowed} of {checked} allowed"
    );
    assert!(
        wrong.total == 0,
        "decide disagrees with the oracle:\n{}",
        wrong.report()
    );
}
