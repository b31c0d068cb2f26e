-- Named places backups go to (an S3/GCS bucket, an Azure container, an SFTP server, an allowed local directory), their
-- secret settings encrypted with HOTCRM_SECRET_KEY as export schedules' are.
create table hc_backup_destination (
    name             varchar(120) primary key,
    destination_type varchar(20) not null,
    settings         varchar(8000) not null,
    location         varchar(1000) not null,
    created_by       varchar(320) not null,
    updated_at       timestamp with time zone not null
);
-- Backups on a cron, each followed by a verification and pruning at the same place.
create table hc_backup_schedule (
    id            uuid primary key,
    name          varchar(120) not null unique,
    cron          varchar(120) not null,
    time_zone     varchar(64) not null,
    destination   varchar(120),
    keep_daily    integer not null,
    keep_weekly   integer not null,
    keep_monthly  integer not null,
    paused        boolean not null,
    created_by    varchar(320) not null,
    updated_at    timestamp with time zone not null,
    last_run_at   timestamp with time zone,
    last_problem  varchar(2000)
);
-- A backup at a named destination: its name there (location then says where, for people).
alter table hc_backup add column destination varchar(120);
alter table hc_backup add column file_name varchar(1000);
