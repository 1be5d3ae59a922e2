package org.dovetail.core.site;

import static org.jooq.impl.DSL.field;
import static org.jooq.impl.DSL.name;
import org.jooq.impl.DSL;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.site.SiteIdentity;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableShape;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Table;

/** Reads and writes the metadata a site keeps about itself: its identity and its replicated tables. */
public final class SiteMetadata {
    private final Connection connection;
    private final Dialect dialect;
    private final DSLContext dsl;

    public SiteMetadata(Connection connection, Dialect dialect) {
        this.connection = connection;
        this.dialect = dialect;
        this.dsl = Dsl.of(connection, dialect);
    }

    /** A metadata table by its lower-case name. */
    public Table<Record> table(String lowerName) {
        return DSL.table(name(dialect.metaSchema(), dialect.fold(lowerName)));
    }

    /** A column by its lower-case name. */
    public <T> Field<T> column(String lowerName, Class<T> type) {
        return field(name(dialect.fold(lowerName)), type);
    }

    /** Whether {@code dovetail install} has created the metadata schema here. */
    public boolean exists() throws SQLException {
        return new Catalog(connection, dialect).exists(dialect.metaSchema(), dialect.fold("site"));
    }

    public Optional<SiteIdentity> identity() {
        return dsl.select(column("site_id", String.class), column("site_name", String.class))
                .from(table("site")).fetchOptional()
                .map(r -> new SiteIdentity(r.value1(), r.value2()));
    }

    /** The site's identity, created on first install; a new configured name replaces the old one. */
    public SiteIdentity ensureIdentity(String siteName) {
        Optional<SiteIdentity> existing = identity();
        if (existing.isEmpty()) {
            SiteIdentity identity = new SiteIdentity(UUID.randomUUID().toString(), siteName);
            dsl.insertInto(table("site"))
                    .columns(column("site_id", String.class), column("site_name", String.class),
                            column("installed_at", OffsetDateTime.class))
                    .values(identity.id(), identity.name(), OffsetDateTime.now())
                    .execute();
            return identity;
        }
        if (!existing.get().name().equals(siteName)) {
            dsl.update(table("site")).set(column("site_name", String.class), siteName).execute();
        }
        return new SiteIdentity(existing.get().id(), siteName);
    }

    /** The catalog keys ({@code schema.table}) of the tables installed here. */
    public List<RegisteredTable> tables() {
        return dsl.select(column("schema_name", String.class), column("table_name", String.class))
                .from(table("replicated_table"))
                .orderBy(column("table_key", String.class))
                .fetch(r -> new RegisteredTable(r.value1(), r.value2()));
    }

    public boolean isRegistered(TableShape shape) {
        return dsl.fetchExists(table("replicated_table"), column("table_key", String.class).eq(shape.key()));
    }

    /** Records the table as installed, with its user columns as they are now (replacing an earlier record). */
    public void register(TableShape shape) {
        if (!isRegistered(shape)) {
            dsl.insertInto(table("replicated_table"))
                    .columns(column("table_key", String.class), column("schema_name", String.class),
                            column("table_name", String.class), column("tomb_name", String.class),
                            column("installed_at", OffsetDateTime.class))
                    .values(shape.key(), shape.schema(), shape.name(), dialect.tombstoneName(shape.name()),
                            OffsetDateTime.now())
                    .execute();
        }
        Field<String> key = column("table_key", String.class);
        dsl.deleteFrom(table("install_column")).where(key.eq(shape.key())).execute();
        for (int i = 0; i < shape.columns().size(); i++) {
            dsl.insertInto(table("install_column"))
                    .columns(key, column("column_name", String.class), column("ordinal", Integer.class))
                    .values(shape.key(), shape.columns().get(i).name(), i + 1)
                    .execute();
        }
    }

    /**
     * The user columns the table had when install last ran, in their order then; empty when not
     * recorded (also at a site last installed by a version that did not record them).
     */
    public List<String> installedColumns(TableShape shape) throws SQLException {
        if (!new Catalog(connection, dialect).exists(dialect.metaSchema(), dialect.fold("install_column"))) {
            return List.of();
        }
        return dsl.select(column("column_name", String.class)).from(table("install_column"))
                .where(column("table_key", String.class).eq(shape.key()))
                .orderBy(column("ordinal", Integer.class))
                .fetch(r -> r.value1());
    }

    /** A table recorded as installed at this site. */
    public record RegisteredTable(String schema, String name) {
    }
}
