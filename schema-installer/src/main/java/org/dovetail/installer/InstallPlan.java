package org.dovetail.installer;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dovetail.core.config.KeySlot;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.dialect.IndexBuild;
import org.dovetail.core.site.Site;
import org.dovetail.core.table.TableShape;

/**
 * The install sequence of one site, written once: {@code install} runs its steps in order and
 * {@code install --print-sql} prints them, so that what a DBA reads is what install does.
 * Every step is safe to run again (an install interrupted anywhere is completed by the next).
 */
final class InstallPlan {

    /** One step: what it prints and how it runs. */
    interface Step {
        void print(StringBuilder out);

        void run(Execution execution) throws SQLException;
    }

    /** What running a step needs from the installer's connection. */
    interface Execution {
        /** Migrates the metadata schema and makes sure the site knows its identity. */
        void migrate() throws SQLException;

        /** Runs the statements and commits. */
        void execute(List<String> statements) throws SQLException;

        /** Runs the table's DDL and registers the table, in one short transaction (retried on lock timeouts). */
        void installTable(TableShape shape, List<String> statements) throws SQLException;

        /** Gives existing rows their bookkeeping, in short transactions. */
        void backfill(TableShape shape) throws SQLException;

        /** Builds an index outside a transaction, unless it exists and is valid. */
        void build(IndexBuild index) throws SQLException;
    }

    private final List<Step> steps;
    private final Optional<KeySlot> slot;
    private final int slottedSequences;

    private InstallPlan(List<Step> steps, Optional<KeySlot> slot, int slottedSequences) {
        this.steps = steps;
        this.slot = slot;
        this.slottedSequences = slottedSequences;
    }

    /** The plan for the checked tables of the site, read on {@code connection} (which it leaves rolled back). */
    static InstallPlan of(Site site, Connection connection, List<TableShape> shapes, java.util.Set<String> trackColumns,
                          Duration lockTimeout, int lockAttempts) throws SQLException {
        Dialect dialect = site.dialect();
        List<Step> steps = new ArrayList<>();
        steps.add(new Migrate(dialect, MetadataSchema.pendingScripts(site)));
        List<String> siteSql = dialect.installSiteSql();
        if (!siteSql.isEmpty()) {
            steps.add(new SiteSql(siteSql));
        }
        for (TableShape shape : shapes) {
            steps.add(new TableDdl(dialect, shape, dialect.lockTimeoutSql(lockTimeout), lockTimeout, lockAttempts,
                    dialect.installSql(connection, shape, site.name(), trackColumns.contains(shape.key()))));
            steps.add(new Backfilling(shape));
            List<IndexBuild> indexes = dialect.installIndexes(shape);
            if (!indexes.isEmpty()) {
                steps.add(new Indexes(indexes));
            }
            List<String> after = dialect.afterBackfillSql(shape);
            if (!after.isEmpty()) {
                steps.add(new Plain(null, after));
            }
        }
        SequenceSlots slots = new SequenceSlots(connection, dialect, site.config().slot());
        List<String> slotSql = slots.statements(shapes);
        connection.rollback();
        if (slots.slot().isPresent()) {
            steps.add(new Plain("then the sequences feeding replicated columns hand out only " + slots.slot().get()
                    + " (keys.step, sites." + site.name() + ".slot), from above their columns' largest values"
                    + (slotSql.isEmpty() ? ": all of them do already" : ""), slotSql));
        }
        return new InstallPlan(List.copyOf(steps), slots.slot(), slotSql.size());
    }

    void run(Execution execution) throws SQLException {
        for (Step step : steps) {
            step.run(execution);
        }
    }

    String print() {
        StringBuilder out = new StringBuilder();
        steps.forEach(step -> step.print(out));
        return out.toString();
    }

    Optional<KeySlot> slot() {
        return slot;
    }

    int slottedSequences() {
        return slottedSequences;
    }

    /** A metadata table's name as the database knows it (SQLite: {@code main.dovetail_site}). */
    private static String shown(Dialect dialect, String lowerName) {
        return String.join(".", dialect.metaTable(lowerName).getName());
    }

    private static void statement(StringBuilder out, String statement) {
        out.append(statement.strip()).append(statement.strip().endsWith(";") ? "\n" : ";\n");
    }

    /** Flyway's migrations of the metadata schema, then the site's identity. */
    private record Migrate(Dialect dialect, List<String> pending) implements Step {
        @Override
        public void print(StringBuilder out) {
            out.append("-- Dovetail's metadata tables, ").append(shown(dialect, "site")).append(" and the others")
                    .append(" (applied by Flyway, history table ").append(dialect.metaSchema()).append('.')
                    .append(dialect.fold(MetadataSchema.HISTORY_TABLE)).append(")\n");
            pending.forEach(migration -> out.append(migration).append('\n'));
        }

        @Override
        public void run(Execution execution) throws SQLException {
            execution.migrate();
        }
    }

    /** What the triggers of every table share (applying mode's functions, say). */
    private record SiteSql(List<String> statements) implements Step {
        @Override
        public void print(StringBuilder out) {
            out.append("\n-- shared by the triggers of every table\n");
            statements.forEach(s -> statement(out, s));
        }

        @Override
        public void run(Execution execution) throws SQLException {
            execution.execute(statements);
        }
    }

    /** A table's columns, tombstone table and triggers, and its registration, in one short transaction. */
    private record TableDdl(Dialect dialect, TableShape shape, List<String> lockTimeoutSql, Duration lockTimeout,
                            int lockAttempts, List<String> statements) implements Step {
        @Override
        public void print(StringBuilder out) {
            out.append("\n-- table ").append(shape.key()).append('\n');
            out.append("-- in one transaction");
            if (!lockTimeoutSql.isEmpty()) {
                out.append(", which waits at most ").append(lockTimeout.toMillis()).append(" ms for a lock")
                        .append(" and is tried up to ").append(lockAttempts).append(" times");
            }
            out.append("; install also records the table and its columns in ").append(shown(dialect, "replicated_table"))
                    .append(" and ").append(shown(dialect, "install_column")).append(" in it\n");
            out.append("BEGIN;\n");
            lockTimeoutSql.forEach(s -> statement(out, s));
            statements.forEach(s -> statement(out, s));
            out.append("COMMIT;\n");
        }

        @Override
        public void run(Execution execution) throws SQLException {
            execution.installTable(shape, statements);
        }
    }

    /** Existing rows get their bookkeeping. */
    private record Backfilling(TableShape shape) implements Step {
        @Override
        public void print(StringBuilder out) {
            out.append("-- then existing rows get dv_version 1, a new dv_origin and a dv_seq, in primary-key")
                    .append(" ranges of ").append(Backfill.BATCH).append(" rows per transaction\n");
        }

        @Override
        public void run(Execution execution) throws SQLException {
            execution.backfill(shape);
        }
    }

    /** Indexes built after the backfill, without blocking the application's writes. */
    private record Indexes(List<IndexBuild> indexes) implements Step {
        @Override
        public void print(StringBuilder out) {
            out.append("-- then the indexes, each statement outside a transaction; an index left invalid by an")
                    .append(" interrupted install is dropped first\n");
            for (IndexBuild index : indexes) {
                out.append("-- (if invalid: ").append(index.drop()).append(";)\n");
                statement(out, index.create());
            }
        }

        @Override
        public void run(Execution execution) throws SQLException {
            for (IndexBuild index : indexes) {
                execution.build(index);
            }
        }
    }

    /** Statements run and committed, under a comment when {@code comment} is given. */
    private record Plain(String comment, List<String> statements) implements Step {
        @Override
        public void print(StringBuilder out) {
            if (comment != null) {
                out.append("\n-- ").append(comment).append('\n');
            }
            statements.forEach(s -> statement(out, s));
        }

        @Override
        public void run(Execution execution) throws SQLException {
            if (!statements.isEmpty()) {
                execution.execute(statements);
            }
        }
    }
}
