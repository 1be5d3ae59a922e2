package org.dovetail.conflicts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** The CSV export opened in a spreadsheet runs no formula from row values, and reads back exactly. */
class ConflictCsvTest {
    private static final List<String> DANGEROUS = List.of("=HYPERLINK(\"http://x\")", "+1+2", "-5", "@SUM(A1)",
            "\tindented", "\rreturn", "'quoted", "''twice", "plain", "", "a=b");

    private static Conflict conflict(String id, String key, String rowA) {
        return new Conflict(id, "items", key, "update/update", "a", "b", rowA, null, "a", "open", "version",
                OffsetDateTime.of(2026, 12, 2, 8, 0, 0, 0, ZoneOffset.UTC), "run", null, null, null, null, null);
    }

    @Test
    void cellsThatWouldStartAFormulaAreWrittenAsTextAndReadBackExactly() throws Exception {
        for (String value : DANGEROUS) {
            String written = ConflictCsv.asText(value);
            if (!value.isEmpty() && "=+-@\t\r'".indexOf(value.charAt(0)) >= 0) {
                assertThat(written).as(value).isEqualTo("'" + value);
            } else {
                assertThat(written).as(value).isEqualTo(value);
            }
            assertThat(ConflictCsv.fromText(written)).isEqualTo(value);
        }
    }

    @Test
    void anExportHasNoCellAFormulaCouldStartAndItsDecisionsImportBack() throws Exception {
        StringBuilder out = new StringBuilder();
        ConflictCsv.write(List.of(conflict("c1", "-5", "{\"name\":\"=cmd|' /C calc'!A0\"}"),
                conflict("c2", "@x", null)), Conflict::keyJson, out);
        try (CSVParser parser = CSVParser.parse(out.toString(), CSVFormat.RFC4180.builder().setHeader()
                .setSkipHeaderRecord(true).build())) {
            List<CSVRecord> records = parser.getRecords();
            assertThat(records).hasSize(2);
            for (CSVRecord record : records) {
                for (String cell : record) {
                    assertThat(cell.isEmpty() || "=+-@\t\r".indexOf(cell.charAt(0)) < 0).as(cell).isTrue();
                }
            }
            assertThat(records.get(0).get("key")).isEqualTo("'-5");
            assertThat(ConflictCsv.fromText(records.get(1).get("key"))).isEqualTo("@x");
            assertThat(records.get(1).get("row_a")).isEmpty();
        }
        // the admin fills in c1's decision; the id column is read back through its quote too
        StringBuilder filledIn = new StringBuilder();
        org.apache.commons.csv.CSVPrinter printer = new org.apache.commons.csv.CSVPrinter(filledIn,
                CSVFormat.RFC4180.builder().setHeader(ConflictCsv.EXPORT_COLUMNS.toArray(String[]::new)).build());
        try (CSVParser parser = CSVParser.parse(out.toString(), CSVFormat.RFC4180.builder().setHeader()
                .setSkipHeaderRecord(true).build())) {
            for (CSVRecord record : parser) {
                List<String> cells = new java.util.ArrayList<>(record.toList());
                cells.set(cells.size() - 1, record.get("id").equals("c1") ? "'b" : "");
                printer.printRecord(cells);
            }
        }
        printer.flush();
        List<ConflictCsv.Decision> decisions = ConflictCsv.read(new StringReader(filledIn.toString()), "x.csv");
        assertThat(decisions).extracting(ConflictCsv.Decision::id, ConflictCsv.Decision::keep)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c1", "b"));
    }
}
