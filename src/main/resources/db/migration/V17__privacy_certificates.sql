-- The signed certificate of a finished erasure: what was searched, found, deleted, anonymised and kept, by record id,
-- with no personal value; handed to the person and verifiable with the instance's public key.
alter table hc_privacy_request add column certificate ${large_text};
