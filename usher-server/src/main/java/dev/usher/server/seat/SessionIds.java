package dev.usher.server.seat;

/**
 * The rule for a session id: 1-128 characters of {@code A-Z a-z 0-9 . _ : -} (the API description's pattern, and the
 * clients' when they make one up). Checked on every client request, so by a loop rather than a regular expression:
 * {@code Pattern.matcher} cost 2 % of a heartbeat's server CPU in a profile.
 */
final class SessionIds {

    private SessionIds() {
    }

    /** @throws IllegalArgumentException (a 400 with this message) unless {@code sessionId} follows the rule */
    static void require(String sessionId) {
        if (!isValid(sessionId)) {
            throw new IllegalArgumentException("session id must be 1-128 characters of A-Z a-z 0-9 . _ : -");
        }
    }

    static boolean isValid(String s) {
        if (s == null || s.isEmpty() || s.length() > 128) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
