-- Incremental exports need every change_seq below a high-water mark to be committed (or rolled back) when the
-- mark is read. Writers hold a shared fence for their transaction (PostgreSQL: an advisory lock; H2: this
-- row, locked FOR UPDATE); the exporter takes it exclusively for an instant and reads the sequence. That only
-- holds if the sequence hands out values in order: no per-connection cache.
alter sequence hc_change_seq cache 1;
create table hc_change_fence (id integer primary key);
insert into hc_change_fence (id) values (1);

-- Records removed for good (recycle-bin purge, undo of an import's new records) leave a tombstone, so that an
-- incremental export can still report their deletion.
create table hc_tombstone (
    object_name varchar(100) not null,
    record_id   uuid not null,
    external_id varchar(255),
    owner_id    uuid,
    change_seq  bigint not null,
    deleted_at  timestamp with time zone not null,
    primary key (object_name, record_id)
);
create index hc_tombstone_seq on hc_tombstone (object_name, change_seq);

-- Scheduled exports and their runs.
create table hc_export_schedule (
    id               uuid primary key,
    name             varchar(120) not null unique,
    owner_email      varchar(320) not null,
    object_name      varchar(100) not null,
    definition       text not null,
    format           varchar(20) not null,
    gzip             boolean not null default false,
    destination_type varchar(20) not null,
    destination      text not null,
    file_template    varchar(500) not null,
    cron             varchar(120) not null,
    time_zone        varchar(60) not null,
    mode             varchar(20) not null,
    paused           boolean not null default false,
    watermark        bigint not null default 0,
    failures         integer not null default 0,
    created_at       timestamp with time zone not null,
    updated_at       timestamp with time zone not null
);
create table hc_export_run (
    id           uuid primary key,
    schedule_id  uuid not null,
    job_id       uuid,
    trigger_kind varchar(20) not null,
    state        varchar(20) not null,
    attempt      integer not null,
    started_at   timestamp with time zone not null,
    finished_at  timestamp with time zone,
    from_seq     bigint,
    to_seq       bigint,
    rows_written bigint,
    bytes        bigint,
    file_name    varchar(1000),
    error        varchar(4000)
);
create index hc_export_run_schedule on hc_export_run (schedule_id, started_at);
