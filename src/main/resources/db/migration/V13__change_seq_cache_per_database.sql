-- H2 keeps one sequence cache for the whole database, so values stay in order for every connection; without a
-- cache it stores the sequence on every value (one store write per imported row). PostgreSQL keeps 1: its cache is
-- per connection and would break the order the change fence relies on (see V7).
alter sequence hc_change_seq cache ${change_seq_cache};
