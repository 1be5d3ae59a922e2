-- dv_cols, per column when this site's copy of it last changed, for a table under
-- merge: columns (docs/bookkeeping.md, "Column changes"). Not statements of their own but
-- pieces that PostgresScripts puts into install-table.sql and row-trigger.sql, in this order:
--   cols_column          install-table.sql, a table under merge: columns: add dv_cols
--   cols_column_dropped  install-table.sql, any other table: drop it (entries nobody keeps
--                        could later claim a changed column unchanged)
--   old_cols_variable, old_entry_variable, cols_applied, cols_kept, cols_changed, cols_inserted
--                        row-trigger.sql, a table under merge: columns (other tables: none)
-- Only the UPDATEs that change the row build JSON; the declarations cost every call two
-- small expressions (NULL ones on INSERT). OLD's dv_cols is parsed once per call, not per
-- column, and an entry is built only where it is used (a CASE arm, coalesce's fallback). The
-- object is made by json_object(names, entries): text in, text out, no jsonb to build and
-- print again, and arrays have no limit where jsonb_build_object takes 100 arguments at most
-- (50 columns). It prints as {"name" : "SEQ:TXID", ...}.
--
-- Parameters:
--   ${same_key}            NEW."k" OPERATOR(pg_catalog.=) OLD."k" AND ... (as in row-trigger.sql)
--   ${changed_columns}     the new dv_cols as text: pg_catalog.json_object(ARRAY['c', ...]::
--                          pg_catalog.text[], ARRAY[entry, ...])::pg_catalog.text over the
--                          user columns install knew (generated ones left out), where a
--                          column's entry is CASE WHEN pg_catalog.record_image_eq(ROW(NEW."c"),
--                          ROW(OLD."c")) (the row-level test, per column: byte for byte, NULL
--                          only equal to NULL) THEN coalesce(OLD's entry, dv_old_entry) ELSE
--                          the new entry, NEW.dv_seq:NEW.dv_txid[@NEW.dv_from] END
ADD COLUMN IF NOT EXISTS dv_cols text;
DROP COLUMN IF EXISTS dv_cols;
    -- dv_cols: OLD's, and OLD's own entry (SEQ:TXID[@FROM]) for a column it has none for.
    dv_old_cols pg_catalog.jsonb := OLD.dv_cols::pg_catalog.jsonb;
    dv_old_entry pg_catalog.text := pg_catalog.concat(OLD.dv_seq, ':', OLD.dv_txid,
        '@' OPERATOR(pg_catalog.||) OLD.dv_from);
        -- A row received by an UPDATE of the same backfilled row: the columns it changed get
        -- this write's entry (with the peer in dv_from); an INSERT, a key move, a backfill: NULL.
        NEW.dv_cols := CASE WHEN TG_OP OPERATOR(pg_catalog.=) 'UPDATE' AND OLD.dv_version IS NOT NULL
            AND ${same_key} THEN ${changed_columns} END;
                NEW.dv_cols := OLD.dv_cols;
                NEW.dv_cols := ${changed_columns};
    -- A new row: every column counts as changed in the row's own entry.
    NEW.dv_cols := NULL;
