package org.dovetail.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Reads the version Maven wrote into {@code dovetail-version.properties}. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties props = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/dovetail-version.properties")) {
            if (in != null) {
                props.load(in);
            }
        }
        return new String[] {"dovetail " + props.getProperty("version", "unknown")};
    }
}
