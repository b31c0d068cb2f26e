-- Backups made by this instance: where each archive went, its size and SHA-256, what it holds, and when it was last
-- verified. What a restore replays lives in the file store (the erasure ledger), not here.
create table hc_backup (
    id             uuid primary key,
    created_at     timestamp with time zone not null,
    created_by     varchar(320) not null,
    location       varchar(2000) not null,
    size           bigint not null,
    sha256         varchar(64) not null,
    schema_version varchar(20) not null,
    database_kind  varchar(20) not null,
    tables         integer not null,
    rows_total     bigint not null,
    files          integer not null,
    verified_at    timestamp with time zone,
    verify_problem varchar(2000)
);
create index hc_backup_created on hc_backup (created_at);
