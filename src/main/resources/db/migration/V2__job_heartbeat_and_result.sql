-- Jobs: a heartbeat so a job whose process died is noticed, the job's result summary, whether the job
-- runs inline in a command-line process (not through the job server), and an index for state lookups.
alter table hc_job add column heartbeat_at timestamp with time zone;
alter table hc_job add column result text;
alter table hc_job add column inline boolean not null default false;
create index hc_job_state on hc_job (state);
