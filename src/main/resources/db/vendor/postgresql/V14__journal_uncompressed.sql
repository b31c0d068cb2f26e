-- An import chunk's undo journal (up to 2,000 record ids, or before-images) is written once and read only by an
-- undo: PostgreSQL stores it out of line without trying to compress it, which cost about 3 ms per chunk.
alter table hc_import_chunk alter column created set storage external;
alter table hc_import_chunk alter column updated set storage external;
