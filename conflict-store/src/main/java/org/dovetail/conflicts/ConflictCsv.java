package org.dovetail.conflicts;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.dovetail.core.DovetailException;

/**
 * The spreadsheet round trip: conflicts exported as RFC 4180 CSV with an empty
 * {@code decision} column, and decisions read back with every bad row named by line.
 *
 * <p>A spreadsheet runs a cell starting with {@code =}, {@code +}, {@code -}, {@code @}, tab or
 * carriage return as a formula, and row values come from the applications' users: such a cell is
 * written with a leading {@code '} (as is a value that starts with {@code '} itself), which the
 * spreadsheet shows as text and {@link #read} removes again, so every cell reads back exactly.
 */
public final class ConflictCsv {
    public static final List<String> EXPORT_COLUMNS = List.of("id", "table", "key", "kind", "status", "winner",
            "detected_at", "site_a", "site_b", "row_a", "row_b", "decision");

    private ConflictCsv() {
    }

    /** One filled-in decision: keep {@code keep}'s copy of conflict {@code id}; {@code line} for messages. */
    public record Decision(long line, String id, String keep) {
    }

    /** Writes the conflicts, one row each, with {@code key} as its values joined by commas. */
    public static void write(List<Conflict> conflicts, java.util.function.Function<Conflict, String> key,
                             Appendable out) {
        try {
            CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder()
                    .setHeader(EXPORT_COLUMNS.toArray(String[]::new)).build());
            for (Conflict c : conflicts) {
                List<Object> cells = new ArrayList<>();
                for (Object cell : java.util.Arrays.asList(c.id(), c.table(), key.apply(c), c.kind(), c.status(),
                        c.winner(), c.detectedAt(), c.siteA(), c.siteB(), c.rowA(), c.rowB(), "")) {
                    cells.add(cell == null ? "" : asText(cell.toString()));
                }
                csv.printRecord(cells);
            }
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the decisions of a filled-in export: rows with a blank decision are left out;
     * a file without {@code id} and {@code decision} columns, or an id listed twice, is
     * refused naming the line.
     */
    public static List<Decision> read(Reader in, String fileName) {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true)
                .setIgnoreSurroundingSpaces(true).setIgnoreEmptyLines(false).build();
        try (CSVParser parser = CSVParser.parse(withoutByteOrderMark(in), format)) {
            List<String> header = parser.getHeaderNames();
            Set<String> names = new HashSet<>();
            for (String name : header) {
                if (!names.add(name)) {
                    throw DovetailException.usage(fileName + " line 1: column '" + name + "' appears twice");
                }
            }
            for (String needed : List.of("id", "decision")) {
                if (!header.contains(needed)) {
                    throw DovetailException.usage(fileName + " line 1: missing column '" + needed + "'");
                }
            }
            List<Decision> decisions = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            long line = parser.getCurrentLineNumber() + 1;
            for (CSVRecord record : parser) {
                if (record.size() == 1 && record.get(0).isBlank()) {
                    line = parser.getCurrentLineNumber() + 1;
                    continue;
                }
                if (!record.isConsistent()) {
                    throw DovetailException.usage(fileName + " line " + line + ": expected " + header.size()
                            + " fields, found " + record.size());
                }
                String id = fromText(record.get("id"));
                String decision = fromText(record.get("decision"));
                if (id.isBlank()) {
                    throw DovetailException.usage(fileName + " line " + line + ": empty id");
                }
                if (!seen.add(id)) {
                    throw DovetailException.usage(fileName + " line " + line + ": conflict " + id
                            + " is listed twice");
                }
                if (!decision.isBlank()) {
                    decisions.add(new Decision(line, id, decision.trim()));
                }
                line = parser.getCurrentLineNumber() + 1;
            }
            return decisions;
        } catch (IOException | UncheckedIOException | IllegalStateException | IllegalArgumentException e) {
            throw DovetailException.usage(fileName + ": not a readable CSV file: " + e.getMessage());
        }
    }

    /** The cell as a spreadsheet shows it as text: a leading {@code '} before what would start a formula. */
    public static String asText(String cell) {
        if (cell.isEmpty()) {
            return cell;
        }
        return "=+-@\t\r'".indexOf(cell.charAt(0)) >= 0 ? "'" + cell : cell;
    }

    /** The value of a cell {@link #asText} wrote (a spreadsheet keeps the leading {@code '} when it saves CSV). */
    public static String fromText(String cell) {
        return cell.startsWith("'") ? cell.substring(1) : cell;
    }

    /** Spreadsheets save "CSV UTF-8" with a byte order mark; it is not part of the first column's name. */
    private static Reader withoutByteOrderMark(Reader in) throws IOException {
        java.io.PushbackReader reader = new java.io.PushbackReader(in, 1);
        int first = reader.read();
        if (first != -1 && first != '\uFEFF') {
            reader.unread(first);
        }
        return reader;
    }
}
