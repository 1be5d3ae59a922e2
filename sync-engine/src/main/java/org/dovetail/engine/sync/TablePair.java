package org.dovetail.engine.sync;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.dovetail.core.row.ValueKind;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;

/**
 * One configured table as found at both sites of a pair, its columns matched by name:
 * key columns first (in primary-key order), then the others in the first site's order;
 * {@code columnMerge}: under {@code merge: columns}, both sites keeping {@code dv_cols}.
 */
record TablePair(String name, TableShape a, TableShape b, List<ColumnPair> columns, boolean columnMerge) {

    /** The same pair, merging rows both sites changed in different columns. */
    TablePair mergingColumns() {
        return new TablePair(name, a, b, columns, true);
    }

    int keyCount() {
        return a.primaryKey().size();
    }

    /** A key from its JSON form as conflict records store it (see {@link RowKey#json}). */
    RowKey key(String keyJson) {
        try {
            List<String> parts = new com.fasterxml.jackson.databind.ObjectMapper().readValue(keyJson,
                    new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { });
            Object[] values = new Object[keyCount()];
            for (int i = 0; i < values.length; i++) {
                values[i] = org.dovetail.core.row.Values.fromText(parts.get(i), columns.get(i).kind());
            }
            return new RowKey(values);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("not a recorded key: " + keyJson, e);
        }
    }

    TableShape shape(boolean sideA) {
        return sideA ? a : b;
    }

    /** Matches the two shapes, or explains every column that differs (names, kinds, keys). */
    static TablePair match(String name, TableShape a, String siteA, TableShape b, String siteB) {
        List<String> problems = new ArrayList<>();
        List<ColumnPair> keys = new ArrayList<>();
        List<ColumnPair> others = new ArrayList<>();
        for (Column ca : a.columns()) {
            Optional<Column> cb = find(b, ca.name());
            if (cb.isEmpty()) {
                problems.add("'" + ca.name() + "' only at " + siteA);
                continue;
            }
            ValueKind ka = ValueKind.of(ca);
            ValueKind kb = ValueKind.of(cb.get());
            if (ka == null || ka != kb) {
                problems.add("'" + ca.name() + "' is " + ca.typeName() + " at " + siteA + " but "
                        + cb.get().typeName() + " at " + siteB);
                continue;
            }
            boolean keyA = a.primaryKey().contains(ca.name());
            boolean keyB = b.primaryKey().contains(cb.get().name());
            if (keyA != keyB) {
                problems.add("'" + ca.name() + "' is in the primary key at " + (keyA ? siteA : siteB) + " only");
                continue;
            }
            (keyA ? keys : others).add(new ColumnPair(ca.name(), cb.get().name(), ka, keyA, ca.generated(),
                    cb.get().generated()));
        }
        for (Column cb : b.columns()) {
            if (find(a, cb.name()).isEmpty()) {
                problems.add("'" + cb.name() + "' only at " + siteB);
            }
        }
        if (!problems.isEmpty()) {
            throw new ShapeMismatch("table " + name + " differs between sites: " + String.join("; ", problems));
        }
        keys.sort((x, y) -> Integer.compare(a.primaryKey().indexOf(x.nameA()), a.primaryKey().indexOf(y.nameA())));
        List<ColumnPair> all = new ArrayList<>(keys);
        all.addAll(others);
        return new TablePair(name, a, b, all, false);
    }

    /** Whether each column has the same declared type (name, size, scale) at both sites. */
    boolean sameTypes() {
        for (ColumnPair c : columns) {
            Optional<Column> x = find(a, c.nameA());
            Optional<Column> y = find(b, c.nameB());
            if (x.isEmpty() || y.isEmpty() || !x.get().typeName().equalsIgnoreCase(y.get().typeName())
                    || x.get().size() != y.get().size() || x.get().scale() != y.get().scale()) {
                return false;
            }
        }
        return true;
    }

    private static Optional<Column> find(TableShape shape, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return shape.columns().stream().filter(c -> c.name().toLowerCase(Locale.ROOT).equals(wanted)).findFirst();
    }

    /** The two sites' shapes of a table do not match. */
    static final class ShapeMismatch extends RuntimeException {
        ShapeMismatch(String message) {
            super(message);
        }
    }
}
