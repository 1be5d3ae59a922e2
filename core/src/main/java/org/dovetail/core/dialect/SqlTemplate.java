package org.dovetail.core.dialect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL resource of the {@code sql} module, in the folder of its database
 * ({@code org/dovetail/sql/postgres}, {@code .../h2}, ...): its statements, with parameters
 * written {@code ${name}}. The comment block opening the file documents the parameters and is
 * left out of the statements. A statement ends with a line ending in {@code ;}, except inside
 * a body: between {@code $dv$} quotes (PostgreSQL functions) or from a line ending in
 * {@code BEGIN} to a line {@code END;} (trigger bodies of SQLite and MariaDB).
 */
public final class SqlTemplate {
    private static final String ROOT = "/org/dovetail/sql/";
    /** The dollar quote the templates put around function bodies. */
    private static final String BODY_QUOTE = "$dv$";
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z_]+)}");

    private final String name;
    private final List<String> statements;

    private SqlTemplate(String name, List<String> statements) {
        this.name = name;
        this.statements = statements;
    }

    /** The template {@code name} of the database's folder ({@code postgres}, {@code h2}, ...). */
    public static SqlTemplate load(String database, String name) {
        String path = ROOT + database + "/" + name;
        try (InputStream in = SqlTemplate.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + path + " is missing from the classpath");
            }
            return new SqlTemplate(path, split(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + path, e);
        }
    }

    /** The statements (without their closing semicolons) with every parameter replaced. */
    public List<String> render(Map<String, String> parameters) {
        String quote = bodyQuote(parameters);
        List<String> rendered = new ArrayList<>();
        for (String statement : statements) {
            Matcher m = PARAMETER.matcher(statement.replace(BODY_QUOTE, quote));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = parameters.get(m.group(1));
                if (value == null) {
                    throw new IllegalStateException("SQL resource " + name + " needs a value for " + m.group());
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            rendered.add(out.toString());
        }
        return rendered;
    }

    /** {@code $dv$}, unless a value (a quoted name, the site name) contains it. */
    private static String bodyQuote(Map<String, String> parameters) {
        String quote = BODY_QUOTE;
        for (int n = 1; containsAny(parameters, quote); n++) {
            quote = "$dv" + n + "$";
        }
        return quote;
    }

    private static boolean containsAny(Map<String, String> parameters, String text) {
        return parameters.values().stream().anyMatch(v -> v.contains(text));
    }

    /** Statements end with a line ending in ';' outside a dollar-quoted function body or a BEGIN ... END block. */
    private static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean header = true;
        boolean inBody = false;
        boolean inBlock = false;
        for (String line : text.split("\n", -1)) {
            if (header && (line.startsWith("--") || line.isBlank())) {
                continue;
            }
            header = false;
            if (current.isEmpty() && line.isBlank()) {
                continue;
            }
            inBody ^= occurrences(line, BODY_QUOTE) % 2 == 1;
            String trimmed = line.stripTrailing();
            if (!inBody && trimmed.toUpperCase(java.util.Locale.ROOT).endsWith("BEGIN")) {
                inBlock = true;
            } else if (inBlock && trimmed.equalsIgnoreCase("END;")) {
                inBlock = false;
            } else if (inBlock) {
                current.append(line).append('\n');
                continue;
            }
            if (!inBody && !inBlock && trimmed.endsWith(";")) {
                current.append(trimmed, 0, trimmed.length() - 1);
                statements.add(current.toString());
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }

    private static int occurrences(String line, String text) {
        int count = 0;
        for (int i = line.indexOf(text); i >= 0; i = line.indexOf(text, i + text.length())) {
            count++;
        }
        return count;
    }
}
