package dev.usher.server;

/**
 * Where a started server answers, as URLs. Bound to a wildcard address it answers on every interface, so a
 * program on this machine uses the loopback address and a person reads {@code localhost}.
 *
 * @param httpsPort the HTTPS port, or -1 when HTTPS is off
 */
record ServerAddress(String host, int port, int httpsPort) {

    private boolean everyInterface() {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    /** For programs on this machine (admin commands, server.json, the cluster's node list). */
    String local() {
        return "http://" + (everyInterface() ? "127.0.0.1" : host) + ":" + port;
    }

    /** As {@link #local()}, over HTTPS. */
    String localHttps() {
        return "https://" + (everyInterface() ? "127.0.0.1" : host) + ":" + httpsPort;
    }

    /** For a person on this machine, over HTTPS: a certificate names {@code localhost} far more often than 127.0.0.1. */
    String https() {
        return "https://" + (everyInterface() ? "localhost" : host) + ":" + httpsPort;
    }

    /** What the start banner shows a person. */
    String forPeople() {
        return host.equals("0.0.0.0") ? "http://localhost:" + port : local();
    }
}
