package org.dovetail.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One test per configuration mistake, pinning the exact message: it names the key and the file. */
class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("dovetail.yml");
        Files.writeString(file, yaml);
        return file;
    }

    private Config load(String yaml, Map<String, String> env) throws IOException {
        return new ConfigLoader(env).load(write(yaml));
    }

    private void fails(String yaml, String message) throws IOException {
        Path file = write(yaml);
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
                .isInstanceOf(DovetailException.class)
                .hasMessage(message.replace("FILE", file.toString()))
                .satisfies(e -> assertThat(((DovetailException) e).exitCode()).isEqualTo(ExitCode.USAGE));
    }

    @Test
    void readsTheSpecExample() throws IOException {
        Config c = load("""
                sites:
                  desktop:
                    url: jdbc:postgresql://127.0.0.1:5432/shop
                    user: shop
                    password-env: DESKTOP_DB_PASSWORD
                  laptop:
                    url: jdbc:h2:file:./laptop
                tables:
                  - customers
                  - name: orders
                    policy: manual
                  - sales."Line Items"
                conflicts:
                  policy: prefer:desktop
                """, Map.of());
        assertThat(c.sites()).containsOnlyKeys("desktop", "laptop");
        assertThat(c.site("desktop").user()).isEqualTo("shop");
        assertThat(c.site("desktop").password()).isInstanceOf(PasswordSource.FromEnv.class);
        assertThat(c.site("laptop").password()).isInstanceOf(PasswordSource.None.class);
        assertThat(c.tables()).hasSize(3);
        assertThat(c.policyFor(c.tables().get(0)).toString()).isEqualTo("prefer:desktop");
        assertThat(c.policyFor(c.tables().get(1)).toString()).isEqualTo("manual");
        assertThat(c.tables().get(2).name().schema()).isEqualTo("sales");
        assertThat(c.tables().get(2).name().name()).isEqualTo("Line Items");
        assertThat(c.tables().get(2).name().nameQuoted()).isTrue();
    }

    @Test
    void expandsEnvironmentVariablesInAnyString() throws IOException {
        Config c = load("sites:\n  a:\n    url: jdbc:h2:mem:${DB}\n    user: ${USR}\ntables: [t]\n",
                Map.of("DB", "shop", "USR", "bob"));
        assertThat(c.site("a").url()).isEqualTo("jdbc:h2:mem:shop");
        assertThat(c.site("a").user()).isEqualTo("bob");
    }

    @Test
    void notifyIsAListOrAStringSplitOutsideQuotes() throws IOException {
        String sites = "sites:\n  a:\n    url: jdbc:h2:mem:a\ntables: [t]\n";
        assertThat(load(sites, Map.of()).notifyCommand()).isEmpty();
        assertThat(load(sites + "conflicts:\n  notify: [sh, -c, 'mail -s \"x y\" admin']\n", Map.of()).notifyCommand())
                .containsExactly("sh", "-c", "mail -s \"x y\" admin");
        assertThat(load(sites + "conflicts:\n  notify: /usr/bin/notify-admin --to 'ops team' \"${WHO}\"\n",
                Map.of("WHO", "ann b")).notifyCommand())
                .containsExactly("/usr/bin/notify-admin", "--to", "ops team", "ann b");
    }

    @Test
    void notifyWithoutACommandOrWithAnOpenQuoteIsRefused() throws IOException {
        String sites = "sites:\n  a:\n    url: jdbc:h2:mem:a\ntables: [t]\n";
        fails(sites + "conflicts:\n  notify: \"''\"\n", "'conflicts.notify' must name a command in FILE line 6");
        fails(sites + "conflicts:\n  notify: mail 'admin\n", "'conflicts.notify' has an unclosed ' quote in FILE line 6");
        fails(sites + "conflicts:\n  notify: {cmd: x}\n", "'conflicts.notify' must be a non-empty text value in FILE line 6");
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("nope.yml");
        assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(file))
                .hasMessage("configuration file " + file + " not found");
    }

    @Test
    void malformedYaml() throws IOException {
        fails("sites:\n  a: [unclosed\n", "malformed YAML in FILE line 3: expected ',' or ']', but got <stream end>");
    }

    @Test
    void emptyFile() throws IOException {
        fails("", "configuration file FILE is empty");
    }

    @Test
    void unknownTopLevelKey() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\ntabels: [t]\n", "unknown key 'tabels' in FILE line 4");
    }

    @Test
    void unknownSiteKey() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\n    pasword-env: X\n",
                "unknown key 'sites.a.pasword-env' in FILE line 4");
    }

    @Test
    void plainPasswordIsRefused() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\n    password: secret\n",
                "key 'sites.a.password' is not allowed: passwords never go in the file; use password-env or "
                        + "password-file in FILE line 4");
    }

    @Test
    void missingUrl() throws IOException {
        fails("sites:\n  a:\n    user: x\n", "missing key 'sites.a.url' in FILE line 3");
    }

    @Test
    void missingSites() throws IOException {
        fails("tables: [t]\n", "missing key 'sites' in FILE line 1");
    }

    @Test
    void bothPasswordSources() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\n    password-env: X\n    password-file: /p\n",
                "keys 'sites.a.password-env' and 'sites.a.password-file' exclude each other in FILE line 5");
    }

    @Test
    void tableListedTwice() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables:\n  - items\n  - name: ITEMS\n",
                "table 'ITEMS' is listed twice in 'tables' in FILE line 6");
    }

    @Test
    void unknownTableKey() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables:\n  - name: items\n    polcy: manual\n",
                "unknown key 'tables[0].polcy' in FILE line 6");
    }

    @Test
    void badPolicy() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\nconflicts:\n  policy: loudest\n",
                "invalid value 'loudest' for 'conflicts.policy' (expected version, prefer:SITE, newest or manual)"
                        + " in FILE line 5");
    }

    @Test
    void mergeIsRowsUnlessTheDefaultOrTheTableSaysColumns() throws IOException {
        Config rows = load("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables:\n  - items\n  - name: people\n"
                + "    merge: columns\n", Map.of());
        assertThat(rows.mergeFor(rows.tables().get(0))).isEqualTo(Merge.ROWS);
        assertThat(rows.mergeFor(rows.tables().get(1))).isEqualTo(Merge.COLUMNS);
        Config columns = load("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables:\n  - items\n  - name: orders\n"
                + "    merge: rows\nconflicts:\n  merge: columns\n", Map.of());
        assertThat(columns.mergeFor(columns.tables().get(0))).isEqualTo(Merge.COLUMNS);
        assertThat(columns.mergeFor(columns.tables().get(1))).isEqualTo(Merge.ROWS);
    }

    @Test
    void badMerge() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\nconflicts:\n  merge: cells\n",
                "invalid value 'cells' for 'conflicts.merge' (expected rows or columns) in FILE line 5");
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables:\n  - name: t\n    merge: fields\n",
                "invalid value 'fields' for 'tables[0].merge' (expected rows or columns) in FILE line 6");
    }

    @Test
    void preferUnknownSite() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables:\n  - name: t\n    policy: prefer:b\n",
                "'tables[0].policy' prefers unknown site 'b' in FILE line 6");
    }

    @Test
    void unsetEnvironmentVariable() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:${NOPE}\n",
                "environment variable NOPE used in 'sites.a.url' is not set in FILE line 3");
    }

    @Test
    void invalidTableName() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\ntables: ['a b']\n",
                "invalid table name 'a b' at 'tables[0]' (expected table or schema.table) in FILE line 4");
    }

    @Test
    void unknownSiteIsNamedWithTheConfiguredOnes() throws IOException {
        Config c = load("sites:\n  b:\n    url: jdbc:h2:mem:b\n  a:\n    url: jdbc:h2:mem:a\n", Map.of());
        assertThatThrownBy(() -> c.site("x")).hasMessage("unknown site 'x' (configured: a, b) in " + c.file());
    }

    @Test
    void passwordEnvUnsetIsReportedWhenTheSiteIsUsed() throws IOException {
        Config c = load("sites:\n  a:\n    url: jdbc:h2:mem:a\n    password-env: PW\n", Map.of());
        assertThatThrownBy(() -> c.site("a").password().read(Map.of()))
                .hasMessage("environment variable PW named by 'sites.a.password-env' in " + c.file() + " is not set");
        assertThat(c.site("a").password().read(Map.of("PW", "s3cret"))).contains("s3cret");
    }

    @Test
    void passwordFileIsReadRelativeToTheConfiguration() throws IOException {
        Files.writeString(dir.resolve("pw.txt"), "s3cret\n");
        Config c = load("sites:\n  a:\n    url: jdbc:h2:mem:a\n    password-file: pw.txt\n", Map.of());
        assertThat(c.site("a").password().read(Map.of())).contains("s3cret");
        assertThat(c.site("a").toString()).doesNotContain("s3cret");
    }

    private static final String TWO_SITES = "sites:\n  a:\n    url: jdbc:h2:mem:a\n    slot: 1\n"
            + "  b:\n    url: jdbc:h2:mem:b\n    slot: SLOT_B\nkeys:\n  step: STEP\n";

    @Test
    void keySlotsGiveEachSiteItsShareOfEveryKey() throws IOException {
        Config c = load(TWO_SITES.replace("SLOT_B", "2").replace("STEP", "10"), Map.of());
        assertThat(c.site("a").slot()).contains(new KeySlot(10, 1));
        assertThat(c.site("b").slot()).contains(new KeySlot(10, 2));
        Config none = load("sites:\n  a:\n    url: jdbc:h2:mem:a\n", Map.of());
        assertThat(none.site("a").slot()).isEmpty();
    }

    @Test
    void badKeyStep() throws IOException {
        fails(TWO_SITES.replace("SLOT_B", "2").replace("STEP", "1"),
                "invalid value '1' for 'keys.step' (expected a whole number of at least 2) in FILE line 9");
        fails(TWO_SITES.replace("SLOT_B", "2").replace("STEP", "ten"),
                "invalid value 'ten' for 'keys.step' (expected a whole number of at least 2) in FILE line 9");
    }

    @Test
    void slotOutsideTheStep() throws IOException {
        fails(TWO_SITES.replace("SLOT_B", "11").replace("STEP", "10"),
                "invalid value '11' for 'sites.b.slot' (expected a whole number from 1 to 10, the keys.step)"
                        + " in FILE line 7");
        fails(TWO_SITES.replace("SLOT_B", "0").replace("STEP", "10"),
                "invalid value '0' for 'sites.b.slot' (expected a whole number from 1 to 10, the keys.step)"
                        + " in FILE line 7");
    }

    @Test
    void twoSitesInOneSlot() throws IOException {
        fails(TWO_SITES.replace("SLOT_B", "1").replace("STEP", "10"),
                "sites 'a' and 'b' both have slot 1 at 'sites.b.slot'; each site needs its own in FILE line 7");
    }

    @Test
    void siteWithoutSlotWhenKeysAreConfigured() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\nkeys: {step: 10}\n",
                "missing key 'sites.a.slot' (with 'keys.step' every site needs its own slot) in FILE line 3");
    }

    @Test
    void slotWithoutKeys() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\n    slot: 1\n",
                "key 'sites.a.slot' needs 'keys.step' at the top level in FILE line 4");
    }

    @Test
    void unknownOrMissingKeysEntry() throws IOException {
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\n    slot: 1\nkeys:\n  stpe: 10\n",
                "unknown key 'keys.stpe' in FILE line 6");
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\n    slot: 1\nkeys: {}\n",
                "missing key 'keys.step' in FILE line 5");
        fails("sites:\n  a:\n    url: jdbc:h2:mem:a\nkeys: 10\n", "'keys' must be a mapping in FILE line 4");
    }

    @Test
    void maskedUrlHidesEmbeddedPasswords() {
        assertThat(MaskedUrl.of("jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
        assertThat(MaskedUrl.of("jdbc:postgresql://u:s3cret@h/db")).isEqualTo("jdbc:postgresql://u:***@h/db");
        assertThat(MaskedUrl.of("jdbc:h2:file:./x;USER=sa;PASSWORD=s3cret")).isEqualTo("jdbc:h2:file:./x;USER=sa;PASSWORD=***");
    }
}
