package dev.usher.server.auth.ldap;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.usher.server.auth.StoredJson;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How Usher reaches an LDAP server or Active Directory, stored as JSON under the settings key {@code ldap}.
 *
 * <p>Missing (null) members take their defaults in the constructor, so a stored JSON document written by an
 * older version keeps working. {@code connectTimeoutMillis} of 0 means the default (5000).
 *
 * <p>The bind password never leaves the server: {@link #toString()} does not show it, and API responses use
 * {@link #redacted()}, which carries {@code "bindPassword": null} plus {@code "bindPasswordSet": true|false}.
 * When an admin sends the settings back with {@code bindPassword} null, {@link #keepingPasswordOf} keeps the
 * stored one, so the console never has to know the password to change another field.
 *
 * @param url                  {@code ldap://host[:389]} or {@code ldaps://host[:636]}; required
 * @param startTls             upgrade an {@code ldap://} connection with StartTLS before binding
 * @param bindDn               service account for searches; AD also accepts {@code svc@corp.example} here.
 *                             Optional when {@code upnPattern} is set and sync is off
 * @param bindPassword         the service account's password
 * @param userSearchBase       where people live, e.g. {@code ou=people,dc=corp,dc=example}; required
 * @param userFilter           the search for one person, {@code {0}} standing for the escaped login name;
 *                             default {@code (&(objectClass=person)(<loginAttribute>={0}))}
 * @param loginAttribute       holds the login name; default {@code uid} (AD: {@code sAMAccountName})
 * @param upnPattern           optional direct bind: bind as this string with {@code {0}} replaced by the login
 *                             name ({@code {0}@corp.example} for AD, or {@code uid={0},ou=people,dc=corp,dc=example})
 *                             instead of searching for the person's DN first
 * @param groupAttribute       group DNs of the person; default {@code memberOf}; Usher keeps each group's CN
 * @param displayNameAttribute default {@code cn}
 * @param emailAttribute       default {@code mail}
 * @param syncMinutes          period of the user/group sync; 0 = off
 * @param trustAllCertificates accept any server certificate (testing only); otherwise the JVM trust store is
 *                             used and the host name must match the certificate
 * @param connectTimeoutMillis connect timeout of every connection; responses may take twice as long
 */
// bindPasswordSet: what GET shows; sending the shown settings back must work, so it is taken and ignored.
@com.fasterxml.jackson.annotation.JsonIgnoreProperties(value = "bindPasswordSet", allowGetters = true)
public record LdapSettings(
        String url,
        boolean startTls,
        String bindDn,
        String bindPassword,
        String userSearchBase,
        String userFilter,
        String loginAttribute,
        String upnPattern,
        String groupAttribute,
        String displayNameAttribute,
        String emailAttribute,
        int syncMinutes,
        boolean trustAllCertificates,
        int connectTimeoutMillis) {

    public static final String DEFAULT_LOGIN_ATTRIBUTE = "uid";
    public static final String DEFAULT_GROUP_ATTRIBUTE = "memberOf";
    public static final String DEFAULT_DISPLAY_NAME_ATTRIBUTE = "cn";
    public static final String DEFAULT_EMAIL_ATTRIBUTE = "mail";
    public static final int DEFAULT_CONNECT_TIMEOUT_MILLIS = 5000;

    /** The settings key under which the lead stores {@link #toJson()}. */
    public static final String SETTINGS_KEY = "ldap";

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+");

    public LdapSettings {
        url = StoredJson.trimToNull(url);
        bindDn = StoredJson.trimToNull(bindDn);
        bindPassword = bindPassword == null || bindPassword.isEmpty() ? null : bindPassword;
        userSearchBase = StoredJson.trimToNull(userSearchBase);
        loginAttribute = StoredJson.orDefault(loginAttribute, DEFAULT_LOGIN_ATTRIBUTE);
        userFilter = StoredJson.orDefault(userFilter, "(&(objectClass=person)(" + loginAttribute + "={0}))");
        upnPattern = StoredJson.trimToNull(upnPattern);
        groupAttribute = StoredJson.orDefault(groupAttribute, DEFAULT_GROUP_ATTRIBUTE);
        displayNameAttribute = StoredJson.orDefault(displayNameAttribute, DEFAULT_DISPLAY_NAME_ATTRIBUTE);
        emailAttribute = StoredJson.orDefault(emailAttribute, DEFAULT_EMAIL_ATTRIBUTE);
        if (connectTimeoutMillis == 0) {
            connectTimeoutMillis = DEFAULT_CONNECT_TIMEOUT_MILLIS;
        }
    }

    /** Everything at its default except the two members that have none. */
    public static Builder builder(String url, String userSearchBase) {
        return new Builder(url, userSearchBase);
    }

    /** Active Directory defaults: {@code sAMAccountName} logins, {@code objectClass=user}. */
    public static Builder activeDirectory(String url, String userSearchBase) {
        return new Builder(url, userSearchBase)
                .loginAttribute("sAMAccountName")
                .userFilter("(&(objectClass=user)(sAMAccountName={0}))");
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Direct bind with {@link #upnPattern} instead of search-then-bind. */
    @JsonIgnore
    public boolean directBind() {
        return upnPattern != null;
    }

    @JsonIgnore
    public boolean bindPasswordSet() {
        return bindPassword != null;
    }

    /**
     * What is wrong with these settings, one sentence per problem naming the field ({@code ldap.url …});
     * empty when they can be used.
     */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (url == null) {
            problems.add("ldap.url is required (ldap://host:389 or ldaps://host:636)");
        } else if (!lower(url).startsWith("ldap://") && !lower(url).startsWith("ldaps://")) {
            problems.add("ldap.url must start with ldap:// or ldaps://");
        } else {
            try {
                LDAPURL parsed = new LDAPURL(url);
                if (!parsed.hostProvided()) {
                    problems.add("ldap.url must name a host, e.g. ldap://dc1.corp.example:389");
                }
                if (startTls && "ldaps".equals(parsed.getScheme())) {
                    problems.add("ldap.startTls cannot be combined with an ldaps:// url, which is encrypted already");
                }
            } catch (LDAPException e) {
                problems.add("ldap.url is not a valid LDAP URL: " + e.getMessage());
            }
        }
        if (userSearchBase == null) {
            problems.add("ldap.userSearchBase is required, e.g. ou=people,dc=corp,dc=example");
        } else if (!DN.isValidDN(userSearchBase)) {
            problems.add("ldap.userSearchBase is not a valid DN: " + userSearchBase);
        }
        if (!userFilter.contains("{0}")) {
            problems.add("ldap.userFilter must contain {0} where the login name goes, e.g. (&(objectClass=person)(uid={0}))");
        } else {
            try {
                Filter.create(userFilter.replace("{0}", "x"));
            } catch (LDAPException e) {
                problems.add("ldap.userFilter is not a valid LDAP filter: " + e.getMessage());
            }
        }
        attributeName(problems, "ldap.loginAttribute", loginAttribute);
        attributeName(problems, "ldap.groupAttribute", groupAttribute);
        attributeName(problems, "ldap.displayNameAttribute", displayNameAttribute);
        attributeName(problems, "ldap.emailAttribute", emailAttribute);
        if (upnPattern != null && !upnPattern.contains("{0}")) {
            problems.add("ldap.upnPattern must contain {0} where the login name goes, e.g. {0}@corp.example");
        }
        if (bindDn == null) {
            if (upnPattern == null) {
                problems.add("ldap.bindDn is required unless ldap.upnPattern is set: it is the account that finds people's entries");
            } else if (syncMinutes > 0) {
                problems.add("ldap.bindDn is required when ldap.syncMinutes is above 0: the sync searches as that account");
            }
        } else if (bindPassword == null) {
            problems.add("ldap.bindPassword is required with ldap.bindDn");
        }
        if (syncMinutes < 0) {
            problems.add("ldap.syncMinutes must be 0 (off) or a number of minutes");
        }
        if (connectTimeoutMillis < 0 || connectTimeoutMillis > 120_000) {
            problems.add("ldap.connectTimeoutMillis must be between 1 and 120000");
        }
        return List.copyOf(problems);
    }

    /** Copy for API responses: the password becomes null, {@code bindPasswordSet} says whether one is stored. */
    public Redacted redacted() {
        return new Redacted(toBuilder().bindPassword(null).build(), bindPasswordSet());
    }

    /**
     * These settings as an admin sent them, with the stored password kept when the admin left
     * {@code bindPassword} out (null) and kept the same service account.
     */
    public LdapSettings keepingPasswordOf(LdapSettings stored) {
        if (bindPassword != null || stored == null || stored.bindPassword == null
                || bindDn == null || !bindDn.equalsIgnoreCase(stored.bindDn)) {
            return this;
        }
        return toBuilder().bindPassword(stored.bindPassword).build();
    }

    public String toJson() {
        return StoredJson.write(this);
    }

    /** @throws IllegalArgumentException when the text is not a JSON object of these settings */
    public static LdapSettings fromJson(String json) {
        return StoredJson.read(json, LdapSettings.class, "LDAP");
    }

    @Override
    public String toString() {
        return "LdapSettings[url=" + url + ", startTls=" + startTls + ", bindDn=" + bindDn
                + ", bindPassword=" + (bindPassword == null ? "(none)" : "(set)")
                + ", userSearchBase=" + userSearchBase + ", userFilter=" + userFilter
                + ", loginAttribute=" + loginAttribute + ", upnPattern=" + upnPattern
                + ", groupAttribute=" + groupAttribute + ", displayNameAttribute=" + displayNameAttribute
                + ", emailAttribute=" + emailAttribute + ", syncMinutes=" + syncMinutes
                + ", trustAllCertificates=" + trustAllCertificates + ", connectTimeoutMillis=" + connectTimeoutMillis + "]";
    }

    /**
     * The settings as the API shows them: every member of {@link LdapSettings} at the top level with
     * {@code bindPassword} null, plus {@code bindPasswordSet}.
     */
    public record Redacted(@JsonUnwrapped LdapSettings settings, boolean bindPasswordSet) {}

    public static final class Builder {
        private String url;
        private boolean startTls;
        private String bindDn;
        private String bindPassword;
        private String userSearchBase;
        private String userFilter;
        private String loginAttribute;
        private String upnPattern;
        private String groupAttribute;
        private String displayNameAttribute;
        private String emailAttribute;
        private int syncMinutes;
        private boolean trustAllCertificates;
        private int connectTimeoutMillis;

        private Builder(String url, String userSearchBase) {
            this.url = url;
            this.userSearchBase = userSearchBase;
        }

        private Builder(LdapSettings s) {
            url = s.url;
            startTls = s.startTls;
            bindDn = s.bindDn;
            bindPassword = s.bindPassword;
            userSearchBase = s.userSearchBase;
            userFilter = s.userFilter;
            loginAttribute = s.loginAttribute;
            upnPattern = s.upnPattern;
            groupAttribute = s.groupAttribute;
            displayNameAttribute = s.displayNameAttribute;
            emailAttribute = s.emailAttribute;
            syncMinutes = s.syncMinutes;
            trustAllCertificates = s.trustAllCertificates;
            connectTimeoutMillis = s.connectTimeoutMillis;
        }

        public Builder url(String v) { url = v; return this; }
        public Builder startTls(boolean v) { startTls = v; return this; }
        /** The service account and its password. */
        public Builder bind(String dn, String password) { bindDn = dn; bindPassword = password; return this; }
        public Builder bindPassword(String v) { bindPassword = v; return this; }
        public Builder userSearchBase(String v) { userSearchBase = v; return this; }
        public Builder userFilter(String v) { userFilter = v; return this; }
        public Builder loginAttribute(String v) { loginAttribute = v; return this; }
        public Builder upnPattern(String v) { upnPattern = v; return this; }
        public Builder groupAttribute(String v) { groupAttribute = v; return this; }
        public Builder displayNameAttribute(String v) { displayNameAttribute = v; return this; }
        public Builder emailAttribute(String v) { emailAttribute = v; return this; }
        public Builder syncMinutes(int v) { syncMinutes = v; return this; }
        public Builder trustAllCertificates(boolean v) { trustAllCertificates = v; return this; }
        public Builder connectTimeoutMillis(int v) { connectTimeoutMillis = v; return this; }

        public LdapSettings build() {
            return new LdapSettings(url, startTls, bindDn, bindPassword, userSearchBase, userFilter, loginAttribute,
                    upnPattern, groupAttribute, displayNameAttribute, emailAttribute, syncMinutes,
                    trustAllCertificates, connectTimeoutMillis);
        }
    }

    private static void attributeName(List<String> problems, String field, String value) {
        if (!ATTRIBUTE_NAME.matcher(value).matches()) {
            problems.add(field + " is not an LDAP attribute name: " + value);
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
