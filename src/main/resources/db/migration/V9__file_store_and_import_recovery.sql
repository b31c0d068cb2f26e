-- Files live in the file store every node shares (a local directory or a bucket) under keys, never absolute
-- paths. Uploads waiting to be imported are recorded here with their owner.
create table hc_upload (
    id          uuid primary key,
    file_key    varchar(1100) not null,
    file_name   varchar(255) not null,
    size        bigint not null,
    created_by  varchar(320) not null,
    created_at  timestamp with time zone not null
);

-- An import reads an upload (source_key, in the file store) or a file given on the command line (source_path,
-- on the machine that ran it), and writes its result files under result_key. Earlier imports kept their
-- results under DATA/imports/<id>, which is where the local file store (rooted at DATA) finds them.
alter table hc_import add column source_key varchar(1100);
alter table hc_import add column result_key varchar(1100);
update hc_import set result_key = 'imports/' || cast(id as varchar(36)) where result_dir is not null;

-- Which process runs a job: its host and process id, so a command-line job whose process is gone is noticed
-- at once on the same machine (elsewhere after its heartbeat stops).
alter table hc_job add column host varchar(255);
alter table hc_job add column pid bigint;

-- The run that owns an import now (job and attempt): every chunk's transaction checks it, so a run that lost
-- its import to another (its node was thought dead and the import resumed elsewhere) writes nothing more.
alter table hc_import add column runner varchar(100);
