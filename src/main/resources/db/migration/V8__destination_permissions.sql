-- Which destination kinds (local, s3, gcs, azure, sftp) a role may create, change and test export schedules
-- with. Roles that manage setup may use every kind; other roles only the kinds listed here (none by default).
create table hc_role_destination (
    role_name varchar(80) not null references hc_role (name) on delete cascade,
    kind      varchar(40) not null,
    primary key (role_name, kind)
);

-- File name templates may no longer contain folders (a path separator): the folder is the destination's own
-- setting (path, prefix, directory), so a template cannot climb out of it. Saved templates keep their parts.
update hc_export_schedule set file_template = replace(replace(file_template, '/', '-'), '\', '-')
    where file_template like '%/%' or file_template like '%\%';
