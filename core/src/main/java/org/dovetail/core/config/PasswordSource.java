package org.dovetail.core.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.dovetail.core.DovetailException;

/**
 * Where a site's password comes from: an environment variable, a file, or nowhere
 * (pgpass, trust). The password itself is read only when a connection is opened and is
 * never kept in configuration objects that might be printed.
 */
public sealed interface PasswordSource {

    /** Reads the password; a missing variable or unreadable file is a configuration error. */
    Optional<String> read(Map<String, String> environment);

    /** No password: the driver's own means (pgpass, trust, H2's empty password). */
    record None() implements PasswordSource {
        @Override
        public Optional<String> read(Map<String, String> environment) {
            return Optional.empty();
        }
    }

    /** {@code password-env: NAME}. */
    record FromEnv(String variable, String key, Path configFile) implements PasswordSource {
        @Override
        public Optional<String> read(Map<String, String> environment) {
            String value = environment.get(variable);
            if (value == null) {
                throw DovetailException.usage("environment variable " + variable + " named by '" + key + "' in "
                        + configFile + " is not set");
            }
            return Optional.of(value);
        }
    }

    /** {@code password-file: PATH}: the file's first line. */
    record FromFile(Path file, String key, Path configFile) implements PasswordSource {
        @Override
        public Optional<String> read(Map<String, String> environment) {
            try {
                String content = Files.readString(file, StandardCharsets.UTF_8);
                int newline = content.indexOf('\n');
                String line = newline < 0 ? content : content.substring(0, newline);
                return Optional.of(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
            } catch (IOException e) {
                throw DovetailException.usage("cannot read password file '" + file + "' named by '" + key + "' in "
                        + configFile);
            }
        }
    }
}
