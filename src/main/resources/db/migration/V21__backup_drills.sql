-- Restore drills: the latest backup restored into a scratch database, checked and queried; each result is kept, and
-- the console warns when the last successful one is more than 7 days old.
create table hc_backup_drill (
    id          uuid primary key,
    started_at  timestamp with time zone not null,
    seconds     double precision not null,
    started_by  varchar(320) not null,
    location    varchar(2000) not null,
    succeeded   boolean not null,
    tables      integer not null,
    rows_total  bigint not null,
    problem     varchar(4000)
);
create index hc_backup_drill_started on hc_backup_drill (started_at);
