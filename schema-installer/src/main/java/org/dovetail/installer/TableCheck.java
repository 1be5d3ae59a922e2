package org.dovetail.installer;

import org.dovetail.core.site.SiteMetadata;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.Bookkeeping;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableName;
import org.dovetail.core.table.TableShape;

/**
 * Finds configured tables in a site's catalog and refuses, before anything is changed,
 * those Dovetail cannot replicate (SPEC section 2's refusals).
 */
public final class TableCheck {
    private final Site site;
    private final Connection connection;
    private final Dialect dialect;

    public TableCheck(Site site, Connection connection) {
        this.site = site;
        this.connection = connection;
        this.dialect = site.dialect();
    }

    /** The shapes of all tables, in order, or the first refusal as a usage error. */
    public List<TableShape> checkAll(List<TableName> tables, boolean metadataExists) throws SQLException {
        SiteMetadata metadata = new SiteMetadata(connection, dialect);
        List<TableShape> shapes = new ArrayList<>();
        for (TableName name : tables) {
            shapes.add(check(name, metadataExists && metadata.isRegistered(find(name))));
        }
        return shapes;
    }

    /** The table's shape, or a usage error when it does not exist. */
    public TableShape find(TableName name) throws SQLException {
        return new Catalog(connection, dialect).find(name).orElseThrow(() -> DovetailException.usage(
                "table '" + name + "' not found at site '" + site.name() + "'"));
    }

    private TableShape check(TableName name, boolean installed) throws SQLException {
        TableShape shape = find(name);
        String where = "table '" + shape.key() + "' at site '" + site.name() + "'";
        if (shape.primaryKey().isEmpty()) {
            throw DovetailException.usage(where + " has no primary key; Dovetail needs one to match rows");
        }
        dialect.tableRefusal(connection, shape).ifPresent(reason -> {
            throw DovetailException.usage(where + " " + reason);
        });
        Catalog catalog = new Catalog(connection, dialect);
        TableShape full = catalog.describe(shape.schema(), shape.name(), true);
        List<String> ours = dialect.bookkeeping().all();
        // an install interrupted between its DDL statements (MariaDB commits each) left its tombstone table first
        installed = installed || catalog.exists(shape.schema(), dialect.tombstoneName(shape.name()));
        for (Column column : full.columns()) {
            boolean clash = Bookkeeping.isReserved(column.name()) && !(installed && ours.contains(column.name()));
            if (clash) {
                throw DovetailException.usage("column '" + column.name() + "' of " + where
                        + " uses the reserved prefix dv_; rename it before installing");
            }
        }
        for (Column column : shape.columns()) {
            dialect.unsupportedReason(column).ifPresent(reason -> {
                throw DovetailException.usage("column '" + column.name() + "' of " + where + " has " + reason);
            });
        }
        return shape;
    }
}
