-- A single-use link emailed to the address a request names: who clicks it within 24 hours confirms the request.
-- Only the token's SHA-256 is kept.
create table hc_privacy_link (
    token_hash  varchar(64) primary key,
    request_id  uuid not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);
