package org.dovetail.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dovetail.core.DovetailException;
import org.dovetail.core.table.TableName;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads {@code dovetail.yml} into a {@link Config}, validating everything up front with one
 * exact message per mistake naming the key and the file (SPEC section 1).
 */
public final class ConfigLoader {
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> TOP_KEYS = Set.of("sites", "tables", "conflicts", "keys");
    private static final Set<String> SITE_KEYS = Set.of("url", "user", "password-env", "password-file", "slot");
    private static final Set<String> KEYS_KEYS = Set.of("step");
    private static final Set<String> TABLE_KEYS = Set.of("name", "policy", "merge");
    private static final Set<String> CONFLICT_KEYS = Set.of("policy", "merge", "notify");

    private final Map<String, String> environment;
    private Path file;

    public ConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** Loads and validates the file; every problem is a {@link DovetailException} with exit code 2. */
    public Config load(Path path) {
        this.file = path;
        MappingNode root = parse(path);
        checkKeys(root, TOP_KEYS, "");
        Long keyStep = keyStep(optional(root, "keys"));
        Map<String, SiteConfig> sites = sites(required(root, "sites", ""), keyStep);
        Policy defaultPolicy = Policy.VERSION;
        Merge defaultMerge = Merge.ROWS;
        List<String> notify = List.of();
        Node conflicts = optional(root, "conflicts");
        if (conflicts != null) {
            MappingNode map = mapping(conflicts, "conflicts");
            checkKeys(map, CONFLICT_KEYS, "conflicts.");
            Node policy = optional(map, "policy");
            if (policy != null) {
                defaultPolicy = policy(policy, "conflicts.policy", sites);
            }
            Node merge = optional(map, "merge");
            if (merge != null) {
                defaultMerge = merge(merge, "conflicts.merge");
            }
            Node command = optional(map, "notify");
            if (command != null) {
                notify = command(command, "conflicts.notify");
            }
        }
        Node tablesNode = optional(root, "tables");
        List<TableConfig> tables = tablesNode == null ? List.of() : tables(tablesNode, sites);
        return new Config(path, sites, tables, defaultPolicy, defaultMerge, notify);
    }

    private MappingNode parse(Path path) {
        Node root;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(false);
            // what Yaml.compose does, without building a Yaml: its object constructor and representer
            // (never used here, the file is read as nodes) load java.beans and 100-odd classes at each start
            root = new Composer(new ParserImpl(new StreamReader(reader), options), new Resolver(), options)
                    .getSingleNode();
        } catch (NoSuchFileException e) {
            throw DovetailException.usage("configuration file " + path + " not found");
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            String problem = e.getProblem() == null ? "malformed" : e.getProblem();
            throw DovetailException.usage("malformed YAML in " + path + " line " + line + ": "
                    + problem.replaceAll("\\s+", " ").trim());
        } catch (YAMLException e) {
            throw DovetailException.usage("malformed YAML in " + path + ": "
                    + String.valueOf(e.getMessage()).replaceAll("\\s+", " ").trim());
        } catch (IOException e) {
            throw DovetailException.usage("cannot read configuration file " + path + ": " + e.getMessage());
        }
        if (root == null) {
            throw DovetailException.usage("configuration file " + path + " is empty");
        }
        if (!(root instanceof MappingNode map)) {
            throw error("the top level must be a mapping with 'sites' and 'tables'", root);
        }
        return map;
    }

    private Map<String, SiteConfig> sites(Node node, Long keyStep) {
        MappingNode map = mapping(node, "sites");
        Map<String, SiteConfig> sites = new LinkedHashMap<>();
        Map<Long, String> slotHolders = new java.util.HashMap<>();
        for (NodeTuple tuple : map.getValue()) {
            String name = keyText(tuple, "sites.");
            String prefix = "sites." + name + ".";
            if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
                throw error("site name 'sites." + name + "' must be 1-64 letters, digits, '.', '_' or '-'",
                        tuple.getKeyNode());
            }
            MappingNode site = mapping(tuple.getValueNode(), "sites." + name);
            for (NodeTuple t : site.getValue()) {
                String key = keyText(t, prefix);
                if (key.equals("password")) {
                    throw error("key '" + prefix + "password' is not allowed: passwords never go in the file; use "
                            + "password-env or password-file", t.getKeyNode());
                }
            }
            checkKeys(site, SITE_KEYS, prefix);
            String url = string(required(site, "url", prefix), prefix + "url");
            Node userNode = optional(site, "user");
            String user = userNode == null ? null : string(userNode, prefix + "user");
            Node env = optional(site, "password-env");
            Node pwFile = optional(site, "password-file");
            if (env != null && pwFile != null) {
                throw error("keys '" + prefix + "password-env' and '" + prefix + "password-file' exclude each other",
                        pwFile);
            }
            PasswordSource password = new PasswordSource.None();
            if (env != null) {
                password = new PasswordSource.FromEnv(string(env, prefix + "password-env"), prefix + "password-env", file);
            } else if (pwFile != null) {
                Path p = Path.of(string(pwFile, prefix + "password-file"));
                Path resolved = p.isAbsolute() || file.getParent() == null ? p : file.getParent().resolve(p);
                password = new PasswordSource.FromFile(resolved, prefix + "password-file", file);
            }
            KeySlot slot = keySlot(site, prefix, keyStep);
            if (slot != null && slotHolders.putIfAbsent(slot.slot(), name) != null) {
                throw error("sites '" + slotHolders.get(slot.slot()) + "' and '" + name + "' both have slot "
                        + slot.slot() + " at '" + prefix + "slot'; each site needs its own", optional(site, "slot"));
            }
            sites.put(name, new SiteConfig(name, url, user, password, slot));
        }
        if (sites.isEmpty()) {
            throw error("'sites' must name at least one site", node);
        }
        return sites;
    }

    /** {@code keys: {step: N}}: how many key slots the sites share; null when not configured. */
    private Long keyStep(Node node) {
        if (node == null) {
            return null;
        }
        MappingNode map = mapping(node, "keys");
        checkKeys(map, KEYS_KEYS, "keys.");
        Node step = required(map, "step", "keys.");
        return whole(step, "keys.step", 2, Long.MAX_VALUE, "a whole number of at least 2");
    }

    /** A site's {@code slot: K}, required with {@code keys.step} and refused without it. */
    private KeySlot keySlot(MappingNode site, String prefix, Long keyStep) {
        Node node = optional(site, "slot");
        if (keyStep == null) {
            if (node != null) {
                throw error("key '" + prefix + "slot' needs 'keys.step' at the top level", node);
            }
            return null;
        }
        if (node == null) {
            throw error("missing key '" + prefix + "slot' (with 'keys.step' every site needs its own slot)", site);
        }
        return new KeySlot(keyStep, whole(node, prefix + "slot", 1, keyStep,
                "a whole number from 1 to " + keyStep + ", the keys.step"));
    }

    private long whole(Node node, String key, long min, long max, String expected) {
        String text = string(node, key);
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, as any other value out of range
        }
        throw error("invalid value '" + text + "' for '" + key + "' (expected " + expected + ")", node);
    }

    private List<TableConfig> tables(Node node, Map<String, SiteConfig> sites) {
        if (!(node instanceof SequenceNode seq)) {
            throw error("'tables' must be a list of table names", node);
        }
        List<TableConfig> tables = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < seq.getValue().size(); i++) {
            Node item = seq.getValue().get(i);
            String key = "tables[" + i + "]";
            TableConfig table;
            if (item instanceof ScalarNode) {
                table = new TableConfig(tableName(item, key), null, null);
            } else if (item instanceof MappingNode map) {
                checkKeys(map, TABLE_KEYS, key + ".");
                TableName name = tableName(required(map, "name", key + "."), key + ".name");
                Node policy = optional(map, "policy");
                Node merge = optional(map, "merge");
                table = new TableConfig(name, policy == null ? null : policy(policy, key + ".policy", sites),
                        merge == null ? null : merge(merge, key + ".merge"));
            } else {
                throw error("'" + key + "' must be a table name or a mapping with 'name', 'policy' and 'merge'", item);
            }
            if (!seen.add(table.name().toString().toLowerCase(java.util.Locale.ROOT))) {
                throw error("table '" + table.name() + "' is listed twice in 'tables'", item);
            }
            tables.add(table);
        }
        return tables;
    }

    private TableName tableName(Node node, String key) {
        String text = string(node, key);
        if (!text.matches("(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*)(\\.(\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*))?")) {
            throw error("invalid table name '" + text + "' at '" + key + "' (expected table or schema.table)", node);
        }
        return TableName.parse(text);
    }

    private Merge merge(Node node, String key) {
        String text = string(node, key);
        return Merge.parse(text).orElseThrow(() -> error("invalid value '" + text + "' for '" + key
                + "' (expected rows or columns)", node));
    }

    private Policy policy(Node node, String key, Map<String, SiteConfig> sites) {
        String text = string(node, key);
        Policy policy = Policy.parse(text).orElseThrow(() -> error("invalid value '" + text + "' for '" + key
                + "' (expected version, prefer:SITE, newest or manual)", node));
        if (policy.kind() == Policy.Kind.PREFER && !sites.containsKey(policy.preferredSite())) {
            throw error("'" + key + "' prefers unknown site '" + policy.preferredSite() + "'", node);
        }
        return policy;
    }

    /**
     * A command and its arguments: a list of strings, or one string split at spaces outside single
     * or double quotes. No shell runs it (the user writes {@code sh -c '...'} for one).
     */
    private List<String> command(Node node, String key) {
        List<String> words = new java.util.ArrayList<>();
        if (node instanceof SequenceNode list) {
            for (Node item : list.getValue()) {
                words.add(string(item, key));
            }
        } else {
            String text = string(node, key);
            StringBuilder word = new StringBuilder();
            boolean inWord = false;
            char quote = 0;
            for (char c : text.toCharArray()) {
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    } else {
                        word.append(c);
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                    inWord = true;
                } else if (Character.isWhitespace(c)) {
                    if (inWord) {
                        words.add(word.toString());
                        word.setLength(0);
                        inWord = false;
                    }
                } else {
                    word.append(c);
                    inWord = true;
                }
            }
            if (quote != 0) {
                throw error("'" + key + "' has an unclosed " + quote + " quote", node);
            }
            if (inWord) {
                words.add(word.toString());
            }
        }
        if (words.isEmpty() || words.get(0).isBlank()) {
            throw error("'" + key + "' must name a command", node);
        }
        return List.copyOf(words);
    }

    private void checkKeys(MappingNode map, Set<String> allowed, String prefix) {
        for (NodeTuple tuple : map.getValue()) {
            String key = keyText(tuple, prefix);
            if (!allowed.contains(key)) {
                throw error("unknown key '" + prefix + key + "'", tuple.getKeyNode());
            }
        }
    }

    private String keyText(NodeTuple tuple, String prefix) {
        if (!(tuple.getKeyNode() instanceof ScalarNode s)) {
            throw error("keys under '" + prefix + "' must be plain names", tuple.getKeyNode());
        }
        return s.getValue();
    }

    private Node required(MappingNode map, String key, String prefix) {
        Node node = optional(map, key);
        if (node == null) {
            throw error("missing key '" + prefix + key + "'", map);
        }
        return node;
    }

    private static Node optional(MappingNode map, String key) {
        for (NodeTuple tuple : map.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode s && s.getValue().equals(key)) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private MappingNode mapping(Node node, String key) {
        if (node instanceof MappingNode map) {
            return map;
        }
        throw error("'" + key + "' must be a mapping", node);
    }

    private String string(Node node, String key) {
        if (!(node instanceof ScalarNode scalar) || scalar.getValue().isBlank()) {
            throw error("'" + key + "' must be a non-empty text value", node);
        }
        return expand(scalar.getValue(), key, node);
    }

    private String expand(String value, String key, Node node) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = environment.get(m.group(1));
            if (replacement == null) {
                throw error("environment variable " + m.group(1) + " used in '" + key + "' is not set", node);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private DovetailException error(String message, Node node) {
        int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        return DovetailException.usage(message + " in " + file + (line > 0 ? " line " + line : ""));
    }
}
