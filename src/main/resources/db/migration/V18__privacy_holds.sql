-- A legal hold: a record that must be kept (litigation, tax law) whatever a data subject asks; erasures list it, with
-- the reason, and leave it as it is.
create table hc_privacy_hold (
    object_name varchar(80) not null,
    record_id   uuid not null,
    reason      text not null,
    created_by  varchar(320) not null,
    created_at  timestamp with time zone not null,
    primary key (object_name, record_id)
);
