-- What an import found, kept with it so any node shows it and a resumed run continues it: its problems grouped
-- by kind (column, message, count, first rows), its first field changes (dry-runs), corrected values (notices),
-- what its undo did, and the caller's idempotency key (the same key again returns the same import).
alter table hc_import alter column state set data type varchar(30);
alter table hc_import add column problems ${large_text};
alter table hc_import add column changes ${large_text};
alter table hc_import add column undo_result ${large_text};
alter table hc_import add column request_key varchar(300);
create unique index hc_import_request_key on hc_import (created_by, request_key);
-- "succeeded" with failed rows read as if every row went in: such imports completed with failures.
update hc_import set state = 'completed_with_failures' where state = 'succeeded' and failed > 0;
-- An undo runs as a job of its own.
alter table hc_import add column undo_job_id uuid;
