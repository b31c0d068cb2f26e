-- Columns that may hold large values become ${large_text}: "text" on PostgreSQL (no change there), a character
-- large object on H2. H2 in PostgreSQL mode had made them VARCHARs stored inside their rows, and H2 2.x cannot
-- read back a storage page over 1 MiB: one import chunk's undo journal, one job result or one long notice could
-- make the embedded database report "File corrupted in chunk …" in the next command.
alter table hc_import_chunk alter column created set data type ${large_text};
alter table hc_import_chunk alter column updated set data type ${large_text};
alter table hc_job alter column payload set data type ${large_text};
alter table hc_job alter column error set data type ${large_text};
alter table hc_job alter column result set data type ${large_text};
alter table hc_import alter column settings set data type ${large_text};
alter table hc_import alter column message set data type ${large_text};
alter table hc_notice alter column body set data type ${large_text};
alter table hc_audit alter column details set data type ${large_text};
alter table hc_mapping alter column definition set data type ${large_text};
alter table hc_view alter column definition set data type ${large_text};
alter table hc_custom_field alter column definition set data type ${large_text};
alter table hc_export_schedule alter column definition set data type ${large_text};
alter table hc_export_schedule alter column destination set data type ${large_text};
