//! The exhaustive policy test: every combination of actor, action, case state, consent state,
//! age, custody rule and moment is decided by `decide` and by `oracle`, an independent statement
//! of the rules written here from the specification (not from `decide`). The oracle does not use
//! `age`: each moment carries its Copenhagen date and the young person's 18th birthday written
//! out by hand (`hand_written_dates_are_copenhagens` checks them against `age`, as inputs).
//!
//! - `moments`: the instants, with their Copenhagen dates and 18th birthdays by hand;
//! - `cast`: the accounts, the actors and actions, and the participants of each case layout;
//! - `consents`: the consent states every case is tried with;
//! - `oracle`: the rules stated again from DESIGN.md §3;
//! - `exhaustive`: `decide` and `sharing` against the oracle over every combination;
//! - `grants`: `decide_grant` (no one widens their own access) against its own oracle;
//! - `removal`: consent belongs to its giver, when the giver is removed from the case;
//! - `headlines`: the rules people ask about, each as a named test.

mod cast;
mod consents;
mod exhaustive;
mod grants;
mod headlines;
mod moments;
mod oracle;
mod removal;
