package org.dovetail.core.config;

import java.util.regex.Pattern;

/** A JDBC URL with any embedded password replaced by {@code ***}, fit to print. */
public final class MaskedUrl {
    private static final Pattern USERINFO = Pattern.compile("(//[^/@:]*:)[^@/]*@");
    private static final Pattern PARAM = Pattern.compile("(?i)((?:password|pwd|sslpassword)=)[^&;]*");

    private MaskedUrl() {
    }

    public static String of(String url) {
        if (url == null) {
            return null;
        }
        String masked = USERINFO.matcher(url).replaceAll("$1***@");
        return PARAM.matcher(masked).replaceAll("$1***");
    }
}
