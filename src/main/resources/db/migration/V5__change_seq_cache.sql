-- Bulk writes take one change_seq value per row: let each connection reserve 100 at a time instead of
-- locking the sequence for every row. Values stay unique; like any sequence they never followed commit order.
alter sequence hc_change_seq cache 100;
