package org.dovetail.core.dialect;

/**
 * A generator that hands out values of one column of a replicated table: a sequence
 * (serial, identity on PostgreSQL, {@code DEFAULT nextval(...)}) or an H2 identity column.
 *
 * @param tableSchema the table's schema as stored in the catalog
 * @param table       the table's name as stored in the catalog
 * @param column      the fed column's name as stored in the catalog
 * @param schema      the sequence's schema (null for an H2 identity column, which has no sequence of its own)
 * @param sequence    the sequence's name (null for an H2 identity column)
 */
public record SequenceFeed(String tableSchema, String table, String column, String schema, String sequence) {

    /** An H2 identity column: its generator is reached through the table. */
    public static SequenceFeed identity(String tableSchema, String table, String column) {
        return new SequenceFeed(tableSchema, table, column, null, null);
    }

    public boolean isIdentityColumn() {
        return sequence == null;
    }

    /** Whether both feeds are the same generator (a sequence may feed several columns). */
    public boolean sameGenerator(SequenceFeed other) {
        return isIdentityColumn() ? other.isIdentityColumn() && tableSchema.equals(other.tableSchema)
                && table.equals(other.table) && column.equals(other.column)
                : !other.isIdentityColumn() && schema.equals(other.schema) && sequence.equals(other.sequence);
    }

    /** For messages: {@code sequence public.items_id_seq} or {@code identity column PUBLIC.ITEMS.ID}. */
    @Override
    public String toString() {
        return isIdentityColumn() ? "identity column " + tableSchema + "." + table + "." + column
                : "sequence " + schema + "." + sequence;
    }
}
