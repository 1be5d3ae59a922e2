package org.dovetail.cli;

import java.io.PrintWriter;
import java.util.List;

/** Prints rows as aligned columns that fit a terminal; long cells are cut with an ellipsis. */
final class TextTable {
    private static final int MAX_CELL = 40;

    private TextTable() {
    }

    static void print(PrintWriter out, List<String> header, List<List<String>> rows) {
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> row : rows) {
                width[i] = Math.max(width[i], cut(row.get(i)).length());
            }
        }
        line(out, header, width);
        for (List<String> row : rows) {
            line(out, row, width);
        }
    }

    private static void line(PrintWriter out, List<String> cells, int[] width) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cut(cells.get(i));
            b.append(i == cells.size() - 1 ? cell : String.format("%-" + width[i] + "s  ", cell));
        }
        out.println(b.toString().stripTrailing());
    }

    private static String cut(String cell) {
        String c = cell == null ? "" : cell.replace('\n', ' ').replace('\r', ' ');
        return c.length() <= MAX_CELL ? c : c.substring(0, MAX_CELL - 3) + "...";
    }
}
