package org.dovetail.engine.sync;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.dovetail.core.config.TableConfig;
import org.dovetail.core.table.Catalog;
import org.dovetail.core.table.TableShape;

/**
 * The order in which a pair's tables sync: a table after the tables its foreign keys refer
 * to (at either site), so that inserts and updates meet their parents already there; the
 * configured order otherwise, and for the tables of a cycle. Deletes of parents that still
 * have children at that point are refused, set aside, and tried again after the children's
 * tables have synced (see {@link PairSync}).
 */
final class TableOrder {
    private final SiteSession a;
    private final SiteSession b;
    /** The shapes read at each site on the way, so that the tables' runs need not read them again. */
    private final Map<SiteSession, Map<TableConfig, TableShape>> found = new HashMap<>();

    TableOrder(SiteSession a, SiteSession b) {
        this.a = a;
        this.b = b;
    }

    List<TableConfig> parentsFirst(List<TableConfig> tables) throws SQLException {
        if (tables.size() < 2) {
            // one table has no other to come after: its catalog is read once, by its run
            return tables;
        }
        Map<TableConfig, Set<TableConfig>> parents = new HashMap<>();
        for (SiteSession s : List.of(a, b)) {
            Catalog catalog = new Catalog(s.write, s.dialect);
            Map<String, TableConfig> byName = new HashMap<>();
            Map<TableConfig, TableShape> shapes = new HashMap<>();
            found.put(s, shapes);
            for (TableConfig t : tables) {
                Optional<TableShape> shape = catalog.find(t.name());
                shape.ifPresent(found -> {
                    byName.put(found.schema() + "." + found.name(), t);
                    shapes.put(t, found);
                });
            }
            for (var entry : shapes.entrySet()) {
                for (String parent : catalog.parents(entry.getValue())) {
                    TableConfig p = byName.get(parent);
                    if (p != null && p != entry.getKey()) {
                        parents.computeIfAbsent(entry.getKey(), k -> new HashSet<>()).add(p);
                    }
                }
            }
            s.write.commit();
        }
        return order(tables, parents);
    }

    /** The table's shape at the site as {@link #parentsFirst} read it; empty when it did not (or found none). */
    Optional<TableShape> shape(SiteSession s, TableConfig table) {
        return Optional.ofNullable(found.getOrDefault(s, Map.of()).get(table));
    }

    /** Repeatedly takes the first table (in configured order) whose parents are all placed; a cycle goes in configured order. */
    static List<TableConfig> order(List<TableConfig> tables, Map<TableConfig, Set<TableConfig>> parents) {
        List<TableConfig> out = new ArrayList<>();
        Set<TableConfig> left = new LinkedHashSet<>(tables);
        while (!left.isEmpty()) {
            TableConfig next = left.stream()
                    .filter(t -> parents.getOrDefault(t, Set.of()).stream().noneMatch(left::contains))
                    .findFirst().orElse(left.iterator().next());
            out.add(next);
            left.remove(next);
        }
        return out;
    }
}
