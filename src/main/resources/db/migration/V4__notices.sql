-- Notices for users: the end of an import or export, repeated failures. Kept for the console whether or not
-- they were also emailed.
create table hc_notice (
    id          uuid primary key,
    recipient   varchar(320) not null,
    subject     varchar(500) not null,
    body        text not null,
    created_at  timestamp with time zone not null,
    read_at     timestamp with time zone,
    emailed     boolean not null default false,
    email_error varchar(2000)
);
create index hc_notice_recipient on hc_notice (recipient, created_at);
