-- Saved list views and reports: an ObjectQL definition per object and name, private to its owner or shared
-- with everyone who may read the object.
create table hc_view (
    object_name varchar(100) not null,
    name        varchar(120) not null,
    definition  text not null,
    owner_email varchar(320) not null,
    shared      boolean not null default false,
    created_at  timestamp with time zone not null,
    updated_at  timestamp with time zone not null,
    primary key (object_name, name)
);
