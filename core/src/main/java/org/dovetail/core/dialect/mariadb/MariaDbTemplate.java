package org.dovetail.core.dialect.mariadb;

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
 * One SQL resource of the {@code sql} module's {@code org/dovetail/sql/mariadb} folder: its
 * statements, with parameters written {@code ${name}}. The comment block opening the file
 * documents the parameters and is left out. A statement ends with a line ending in ';', except
 * a routine's or trigger's body, which runs from a line {@code BEGIN} to the line {@code END;}.
 */
final class MariaDbTemplate {
    private static final String FOLDER = "/org/dovetail/sql/mariadb/";
    private static final Pattern PARAMETER = Pattern.compile("\\$\\{([a-z_]+)}");

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

    /** The statements (without their closing semicolons) with every parameter replaced. */
    List<String> render(Map<String, String> parameters) {
        List<String> rendered = new ArrayList<>();
        for (String statement : statements) {
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

    private static List<String> split(String text) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inBody = false;
        for (String line : text.split("\n", -1)) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("--"))) {
                continue;
            }
            if (trimmed.equals("BEGIN")) {
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
