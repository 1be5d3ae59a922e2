-- The user columns of each installed table as install last found them, so that `dovetail status`
-- can show the columns added or removed since (docs/bookkeeping.md). Written again by every install.
CREATE TABLE DOVETAIL.INSTALL_COLUMN (
    TABLE_KEY   VARCHAR(255) NOT NULL,
    COLUMN_NAME VARCHAR(255) NOT NULL,
    ORDINAL     INTEGER NOT NULL,
    PRIMARY KEY (TABLE_KEY, COLUMN_NAME)
);
