-- Separation of duties (DESIGN.md §3 rule 6): who may create cases is a staff flag, and a staff
-- member's own CPR number (its keyed hash, as for citizens) lets the policy refuse an insider
-- adding a citizen identity they control: their own CPR as a participant, a paper consent or a case.

ALTER TABLE accounts ADD COLUMN may_create_cases BIGINT NOT NULL DEFAULT 0;
-- Caseworkers of the children-and-youth and adult departments create cases, as before this flag.
UPDATE accounts SET may_create_cases = 1 WHERE kind = 'staff' AND department IN ('children_youth', 'adult');

-- Not the citizens' `cpr_hash` (unique): the same person may also log in as a citizen.
ALTER TABLE accounts ADD COLUMN staff_cpr_hash TEXT;
