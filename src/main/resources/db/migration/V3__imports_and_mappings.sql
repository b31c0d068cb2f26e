-- Saved import mappings, per object and name.
create table hc_mapping (
    object_name varchar(60)  not null,
    name        varchar(120) not null,
    definition  text         not null,
    created_by  varchar(320) not null,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null,
    primary key (object_name, name)
);

-- One row per import (dry-run or commit): what was asked, how far it got, what it did.
create table hc_import (
    id             uuid primary key,
    object_name    varchar(60)  not null,
    mode           varchar(10)  not null,
    match_field    varchar(60)  not null,
    dry_run        boolean      not null,
    file_name      varchar(1000) not null,
    source_path    varchar(2000),
    settings       text         not null,
    state          varchar(20)  not null,
    created_by     varchar(320) not null,
    created_at     timestamp with time zone not null,
    finished_at    timestamp with time zone,
    job_id         uuid,
    stamp          timestamp with time zone not null,
    total_rows     bigint,
    rows_done      bigint not null default 0,
    created        bigint not null default 0,
    updated        bigint not null default 0,
    unchanged      bigint not null default 0,
    skipped        bigint not null default 0,
    failed         bigint not null default 0,
    checkpoint_row bigint not null default 0,
    result_dir     varchar(2000),
    message        text
);
create index hc_import_created on hc_import (created_at);

-- The undo journal: per committed chunk, the records it created and the before-images of the fields it
-- updated. Written in the chunk's own transaction, so it always matches what was written.
create table hc_import_chunk (
    import_id  uuid    not null references hc_import (id) on delete cascade,
    seq        integer not null,
    first_row  bigint  not null,
    last_row   bigint  not null,
    created    text,
    updated    text,
    primary key (import_id, seq)
);
