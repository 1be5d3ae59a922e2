package org.dovetail.installer.h2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.dovetail.core.table.Column;
import org.dovetail.core.table.TableShape;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Under merge: columns the H2 trigger keeps DV_COLS as docs/bookkeeping.md, "Column changes", says. */
class H2ColumnTrackingTest extends H2SiteTest {
    static final TableShape PEOPLE = new TableShape("PUBLIC", "PEOPLE", List.of(
            new Column("ID", Types.INTEGER, "INTEGER", 32, 0, false),
            new Column("PHONE", Types.VARCHAR, "CHARACTER VARYING", 40, 0, true),
            new Column("ADDRESS", Types.VARCHAR, "CHARACTER VARYING", 100, 0, true),
            new Column("NOTE", Types.VARCHAR, "CHARACTER VARYING", 100, 0, true)), List.of("ID"));
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void createPeople() throws SQLException {
        exec(db, "CREATE TABLE PEOPLE (ID INTEGER PRIMARY KEY, PHONE VARCHAR(40), ADDRESS VARCHAR(100),"
                + " NOTE VARCHAR(100))");
        track(true);
        exec(db, "INSERT INTO PEOPLE VALUES (1, '555-0100', 'Elm St 1', 'a')");
    }

    private void track(boolean columns) throws SQLException {
        for (String sql : dialect.installSql(PEOPLE, SITE, columns)) {
            exec(db, sql);
        }
    }

    private Map<String, Object> person() throws SQLException {
        return row(db, "SELECT DV_SEQ, DV_FROM, DV_COLS FROM PEOPLE WHERE ID = 1");
    }

    private static Map<String, String> cols(Map<String, Object> row) throws Exception {
        String json = (String) row.get("DV_COLS");
        return json == null ? null : JSON.readValue(json, new TypeReference<Map<String, String>>() { });
    }

    @Test
    void anInsertHasNoEntriesAndAnUpdateMarksTheColumnsItChanged() throws Exception {
        Map<String, Object> inserted = person();
        assertThat(inserted.get("DV_COLS")).isNull();
        long insertSeq = (Long) inserted.get("DV_SEQ");

        exec(db, "UPDATE PEOPLE SET PHONE = '555-0199' WHERE ID = 1");
        Map<String, Object> first = person();
        long firstSeq = (Long) first.get("DV_SEQ");
        assertThat(cols(first)).isEqualTo(Map.of("ID", "" + insertSeq, "PHONE", "" + firstSeq,
                "ADDRESS", "" + insertSeq, "NOTE", "" + insertSeq));

        exec(db, "UPDATE PEOPLE SET ADDRESS = 'Oak Ave 2' WHERE ID = 1");
        Map<String, Object> second = person();
        long secondSeq = (Long) second.get("DV_SEQ");
        assertThat(secondSeq).isGreaterThan(firstSeq);
        assertThat(cols(second)).isEqualTo(Map.of("ID", "" + insertSeq, "PHONE", "" + firstSeq,
                "ADDRESS", "" + secondSeq, "NOTE", "" + insertSeq));
    }

    @Test
    void anUpdateThatChangesNothingKeepsTheEntriesWhateverItWrote() throws Exception {
        exec(db, "UPDATE PEOPLE SET PHONE = '555-0199' WHERE ID = 1");
        Map<String, Object> before = person();

        exec(db, "UPDATE PEOPLE SET PHONE = '555-0199', DV_COLS = '{}' WHERE ID = 1");
        assertThat(person()).isEqualTo(before);
    }

    @Test
    void aRowReceivedFromAPeerMarksTheChangedColumnsWithThePeer() throws Exception {
        long insertSeq = (Long) person().get("DV_SEQ");
        dialect.setApplying(db, true);
        exec(db, "UPDATE PEOPLE SET NOTE = 'b', DV_FROM = 'desktop' WHERE ID = 1");
        dialect.setApplying(db, false);
        Map<String, Object> received = person();
        long seq = (Long) received.get("DV_SEQ");
        assertThat(cols(received)).isEqualTo(Map.of("ID", "" + insertSeq, "PHONE", "" + insertSeq,
                "ADDRESS", "" + insertSeq, "NOTE", seq + "@desktop"));

        // a local change afterwards keeps the received column's entry, peer and all
        exec(db, "UPDATE PEOPLE SET PHONE = '555-0142' WHERE ID = 1");
        Map<String, Object> local = person();
        assertThat(cols(local)).containsEntry("NOTE", seq + "@desktop")
                .containsEntry("PHONE", "" + local.get("DV_SEQ"));
    }

    @Test
    void aMergeTheSyncWritesAsItsOwnChangeHasNoPeer() throws Exception {
        dialect.setApplying(db, true);
        exec(db, "UPDATE PEOPLE SET ADDRESS = 'Pine Rd 3', DV_FROM = NULL WHERE ID = 1");
        dialect.setApplying(db, false);
        Map<String, Object> merged = person();
        assertThat(cols(merged)).containsEntry("ADDRESS", "" + merged.get("DV_SEQ"));
    }

    @Test
    void aRowReceivedWhereOldHadEntriesKeepsThePeerOfTheRowLevelEntry() throws Exception {
        dialect.setApplying(db, true);
        exec(db, "INSERT INTO PEOPLE (ID, PHONE, DV_VERSION, DV_ORIGIN, DV_SITE, DV_FROM)"
                + " VALUES (2, 'x', 1, 'o-2', 'desktop', 'desktop')");
        dialect.setApplying(db, false);
        Map<String, Object> inserted = row(db, "SELECT DV_SEQ, DV_COLS FROM PEOPLE WHERE ID = 2");
        assertThat(inserted.get("DV_COLS")).isNull();

        exec(db, "UPDATE PEOPLE SET NOTE = 'mine' WHERE ID = 2");
        Map<String, Object> row = row(db, "SELECT DV_SEQ, DV_COLS FROM PEOPLE WHERE ID = 2");
        assertThat(cols(row)).containsEntry("PHONE", inserted.get("DV_SEQ") + "@desktop")
                .containsEntry("NOTE", "" + row.get("DV_SEQ"));
    }

    @Test
    void aKeyMoveStartsOver() throws Exception {
        exec(db, "UPDATE PEOPLE SET PHONE = '555-0199' WHERE ID = 1");
        exec(db, "UPDATE PEOPLE SET ID = 7 WHERE ID = 1");
        assertThat(row(db, "SELECT DV_COLS FROM PEOPLE WHERE ID = 7").get("DV_COLS")).isNull();
    }

    @Test
    void installWithoutTrackingDropsTheColumnAndWithTrackingAddsItBack() throws Exception {
        exec(db, "UPDATE PEOPLE SET PHONE = '555-0199' WHERE ID = 1");
        track(false);
        assertThat(columns()).doesNotContain("DV_COLS");
        exec(db, "UPDATE PEOPLE SET PHONE = '555-0111' WHERE ID = 1"); // the trigger works without it

        track(true);
        assertThat(columns()).contains("DV_COLS");
        assertThat(person().get("DV_COLS")).isNull();
        uninstall(PEOPLE);
        assertThat(columns()).containsExactly("ID", "PHONE", "ADDRESS", "NOTE");
    }

    @Test
    void aTableInstalledWithoutTrackingHasNoEntries() throws Exception {
        uninstall(PEOPLE);
        track(false);
        track(false);
        assertThat(columns()).doesNotContain("DV_COLS");
    }

    private List<String> columns() throws SQLException {
        return rows(db, "SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'PEOPLE'"
                + " ORDER BY ORDINAL_POSITION").stream().map(r -> (String) r.get("COLUMN_NAME")).toList();
    }
}
