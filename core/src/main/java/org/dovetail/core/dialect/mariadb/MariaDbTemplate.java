package org.dovetail.core.dialect.mariadb;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One SQL resource of the {@code sql} module's {@code org/dovetail/sql/mariadb} folder: its
 * statements, with parameters written {@code ${name}}. The comment block opening the file
 * documents the parameters and is left out. A statement ends with a line ending in ';', except
 * a routine's or trigger's body, which runs from a line {@code BEGIN} (or {@code BEGIN NOT
 * ATOMIC}) to the line {@code END;}.
 *
 * <p>A line that starts (after its indentation) with {@code [section] } belongs to that section
 * only: it is rendered, without the marker, when the section is asked for, and left out
 * otherwise; a statement all of whose lines are left out is left out. So one template serves
 * variants whose other lines stay exactly the same.
 */
final class MariaDbTemplate {
    private static final String FOLDER = "/org/dovetail/sql/mariadb/";
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z_]+)}");
    private static final Pattern SECTION = Pattern.compile("^(\\s*)\\[([a-z_]+)] (.*)$");

    private final String name;
    private final List<String> statements;

    private MariaDbTemplate(String name, List<String> statements) {
        this.name = name;
        this.statements = statements;
    }

    static MariaDbTemplate load(String name) {
        try (InputStream in = MariaDbTemplate.class.getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("SQL resource " + FOLDER + name + " is missing from the classpath");
            }
            return new MariaDbTemplate(name, split(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read SQL resource " + FOLDER + name, e);
        }
    }

    /** The statements (without their closing semicolons) with every parameter replaced, no section's lines. */
    List<String> render(Map<String, String> parameters) {
        return render(parameters, Set.of());
    }

    /** The statements with every parameter replaced and the lines of the {@code sections} asked for. */
    List<String> render(Map<String, String> parameters, Set<String> sections) {
        List<String> rendered = new ArrayList<>();
        for (String whole : statements) {
            String statement = linesOf(whole, sections);
            if (statement.isEmpty()) {
                continue;
            }
            Matcher m = PARAMETER.matcher(statement);
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

    /** The statement's lines outside any section or in one of {@code sections}, markers removed. */
    private static String linesOf(String statement, Set<String> sections) {
        List<String> kept = new ArrayList<>();
        for (String line : statement.split("\n", -1)) {
            Matcher m = SECTION.matcher(line);
            if (!m.matches()) {
                kept.add(line);
            } else if (sections.contains(m.group(2))) {
                kept.add(m.group(1) + m.group(3));
            }
        }
        return String.join("\n", kept).strip();
    }

    private static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inBody = false;
        for (String line : text.split("\n", -1)) {
            String trimmed = SECTION.matcher(line).replaceFirst("$3").strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            if (trimmed.equals("BEGIN") || trimmed.equals("BEGIN NOT ATOMIC")) {
                inBody = true;
            }
            boolean ends = inBody ? trimmed.equals("END;") : trimmed.endsWith(";");
            if (ends) {
                current.append(line.stripTrailing(), 0, line.stripTrailing().length() - 1);
                statements.add(current.toString().strip());
                current.setLength(0);
                inBody = false;
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.toString().isBlank()) {
            statements.add(current.toString().strip());
        }
        return List.copyOf(statements);
    }
}
