package io.waldiez.runner.operator;

import java.util.regex.Pattern;

/** Name rules of the real API server (apimachinery's validation), which the mock server does not apply. */
final class KubernetesNames {

    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private KubernetesNames() {
    }

    /** As NameIsDNSSubdomain(prefix=true): a trailing '-' is allowed (masked), a trailing '.' is not. */
    static boolean isValidGenerateName(String prefix) {
        if (prefix == null || prefix.isEmpty()) {
            return false;
        }
        String masked = prefix.endsWith("-") ? prefix.substring(0, prefix.length() - 1) + "a" : prefix;
        return masked.length() <= 253 && DNS_SUBDOMAIN.matcher(masked).matches();
    }
}
