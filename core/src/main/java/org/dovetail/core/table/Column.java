package org.dovetail.core.table;

/**
 * One user column of a replicated table, as the database's catalog describes it.
 *
 * @param name      the column name exactly as stored in the catalog
 * @param jdbcType  the {@link java.sql.Types} constant the driver reports
 * @param typeName  the database's own type name (e.g. {@code numeric}, {@code TIMESTAMP WITH TIME ZONE})
 * @param size      precision or length (0 when not applicable)
 * @param scale     scale for exact numerics (0 otherwise)
 * @param nullable  whether NULL is allowed
 * @param generated whether the database computes the column's values ({@code GENERATED ALWAYS AS
 *                  (...)}): read and compared like any column, never written by the sync
 */
public record Column(String name, int jdbcType, String typeName, int size, int scale, boolean nullable,
                     boolean generated) {

    /** A column the application writes. */
    public Column(String name, int jdbcType, String typeName, int size, int scale, boolean nullable) {
        this(name, jdbcType, typeName, size, scale, nullable, false);
    }
}
