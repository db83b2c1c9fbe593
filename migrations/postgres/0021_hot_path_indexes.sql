-- Found by tests/api/query_plans.rs (issue #13): a municipality's staff, listed by name for the
-- case page's "add a professional" choice and the admin's staff search, was a sequential scan of
-- every account in the country.
CREATE INDEX accounts_municipality_kind_name ON accounts (municipality_id, kind, name);
