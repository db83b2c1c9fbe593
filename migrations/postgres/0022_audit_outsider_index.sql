-- The case page's "someone outside the team looked" mark asks whether a case has any row by an
-- admin, a staff member without a part, or a citizen without a part. Through the (case_id, seq)
-- index that read every row of the case, and a case gains a row with every view, so the page
-- grew slower the more it was read (issue #13's benchmark: case views 2x slower after 40 000
-- views). This index holds only such rows: the question is one index probe.
CREATE INDEX audit_events_case_outsider ON audit_events (case_id)
    WHERE actor_role IN ('admin', 'staff', 'citizen');
