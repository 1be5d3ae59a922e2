package org.dovetail.core.site;

/** Who a site is: the UUID given at install and the name it was installed under. */
public record SiteIdentity(String id, String name) {
}
