-- Whether a role may load data as a migration: keep the source's created date and creator, and fill read-only
-- fields. Only the built-in administrator may at first; an administrator allows it for other roles.
alter table hc_role add column migrate_data boolean not null default false;
update hc_role set migrate_data = true where name = 'admin';
