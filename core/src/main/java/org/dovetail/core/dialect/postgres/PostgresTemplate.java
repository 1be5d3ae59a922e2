package org.dovetail.core.dialect.postgres;

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
 * One SQL resource of the {@code sql} module's {@code org/dovetail/sql/postgres} folder: its
 * statements, with parameters written {@code ${name}}. The comment block opening the file
 * documents the parameters and is left out of the statements.
 */
final class PostgresTemplate {
    private static final String FOLDER = "/org/dovetail/sql/postgres/";
    /** The dollar quote the templates put around function bodies. */
    private static final String BODY_QUOTE = "$dv$";
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z_]+)}");

    private final String name;
    private final List<String> statements;

    private PostgresTemplate(String name, List<String> statements) {
        this.name = name;
        this.statements = statements;
    }

    static PostgresTemplate load(String name) {
        try (InputStream in = PostgresTemplate.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + FOLDER + name + " is missing from the classpath");
            }
            return new PostgresTemplate(name, split(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + FOLDER + name, e);
        }
    }

    /** The statements (without their closing semicolons) with every parameter replaced. */
    List<String> render(Map<String, String> parameters) {
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

    /** Statements end with a line ending in ';' outside a dollar-quoted function body. */
    private static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean header = true;
        boolean inBody = false;
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
            if (!inBody && trimmed.endsWith(";")) {
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
