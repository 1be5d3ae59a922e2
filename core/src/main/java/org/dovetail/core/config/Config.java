package org.dovetail.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.dovetail.core.DovetailException;

/**
 * The validated, immutable configuration: sites by name, replicated tables in order, the
 * default conflict policy and merge, and the command run after a sync that recorded new conflicts
 * ({@code conflicts.notify}: the program and its arguments; empty for none). Built only by
 * {@link ConfigLoader}.
 */
public record Config(Path file, Map<String, SiteConfig> sites, List<TableConfig> tables, Policy defaultPolicy,
                     Merge defaultMerge, List<String> notifyCommand) {

    public Config {
        sites = Map.copyOf(sites);
        tables = List.copyOf(tables);
        notifyCommand = List.copyOf(notifyCommand);
    }

    /** The site of that name, or a usage error naming the configured ones. */
    public SiteConfig site(String name) {
        SiteConfig site = sites.get(name);
        if (site == null) {
            throw DovetailException.usage("unknown site '" + name + "' (configured: "
                    + String.join(", ", sites.keySet().stream().sorted().toList()) + ") in " + file);
        }
        return site;
    }

    /** The policy for a table: its own, else the default. */
    public Policy policyFor(TableConfig table) {
        return Optional.ofNullable(table.policy()).orElse(defaultPolicy);
    }

    /** The merge for a table: its own, else the default. */
    public Merge mergeFor(TableConfig table) {
        return Optional.ofNullable(table.merge()).orElse(defaultMerge);
    }
}
