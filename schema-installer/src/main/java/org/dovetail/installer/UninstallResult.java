package org.dovetail.installer;

import java.util.List;

/** What {@code uninstall} removed at a site. */
public record UninstallResult(String site, List<String> tables, boolean metadataDropped) {
}
