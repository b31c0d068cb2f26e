-- Migrations from other CRMs. A migration is a named connection to a source (its settings as JSON, secrets
-- encrypted with HOTCRM_SECRET_KEY) with its saved plan; each run (dry-run, run, delta) is a job whose steps are
-- the plan's objects in order, each one import of records staged from the source. The high-water mark of the last
-- successful run is where a delta starts.
create table hc_migration (
    id           uuid primary key,
    name         varchar(100) not null,
    kind         varchar(30)  not null,
    settings     ${large_text} not null,
    plan         ${large_text},
    high_water   timestamp with time zone,
    last_run_id  uuid,
    created_by   varchar(320) not null,
    created_at   timestamp with time zone not null,
    updated_at   timestamp with time zone not null
);
create unique index hc_migration_name on hc_migration (name);

create table hc_migration_run (
    id           uuid primary key,
    migration_id uuid not null,
    mode         varchar(20) not null,
    state        varchar(30) not null,
    plan         ${large_text} not null,
    job_id       uuid,
    created_by   varchar(320) not null,
    created_at   timestamp with time zone not null,
    finished_at  timestamp with time zone,
    since        timestamp with time zone,
    high_water   timestamp with time zone,
    message      text,
    report       ${large_text}
);
create index hc_migration_run_migration on hc_migration_run (migration_id, created_at);

create table hc_migration_step (
    run_id        uuid not null,
    position      int not null,
    source_object varchar(200) not null,
    target_object varchar(60) not null,
    state         varchar(20) not null,
    import_id     uuid,
    read_count    bigint not null default 0,
    deleted       bigint not null default 0,
    result        ${large_text},
    primary key (run_id, position)
);

-- The console's OAuth web-server flow: the PKCE verifier waits here (any node may receive the callback).
create table hc_migration_oauth (
    state        varchar(100) primary key,
    migration_id uuid not null,
    verifier     text not null,
    redirect_uri varchar(2000) not null,
    created_by   varchar(320) not null,
    expires_at   timestamp with time zone not null
);
