-- The user columns of each installed table as install last found them, so that `dovetail status`
-- can show the columns added or removed since (docs/bookkeeping.md). Written again by every install.
CREATE TABLE dovetail.install_column (
    table_key varchar(255) NOT NULL,
    column_name varchar(255) NOT NULL,
    ordinal integer NOT NULL,
    PRIMARY KEY (table_key, column_name)
);
