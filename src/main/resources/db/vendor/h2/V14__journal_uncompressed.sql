-- PostgreSQL only (its undo journal is stored uncompressed); H2 stores large values as it always did.
select 1;
