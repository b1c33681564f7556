package dev.usher.server.auth.ldap;

import com.unboundid.asn1.ASN1OctetString;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.controls.SimplePagedResultsControl;
import dev.usher.server.auth.DirectoryAccount;
import dev.usher.server.auth.PasswordDirectory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.X509TrustManager;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks passwords against an LDAP server or Active Directory by binding as the person.
 *
 * <p>Search-then-bind (the default): the service account finds the person's entry with the user filter, whose
 * {@code {0}} is the login name escaped with {@link Filter#encodeValue} so a name like {@code *)(uid=*} matches
 * nobody; then a second connection binds as that entry's DN with the password. Direct bind ({@code upnPattern}):
 * bind as the pattern filled with the name, then read the person's own entry on that connection.
 *
 * <p>Every call opens its own connections and closes them before returning (sign-ins are rare next to
 * checkouts, and nothing stale can linger); each has the connect timeout of the settings and twice that
 * as response timeout.
 *
 * <p>Disabled accounts do not sign in (see {@link LdapAccounts}).
 */
public final class LdapDirectory implements PasswordDirectory {

    private static final Logger log = LoggerFactory.getLogger(LdapDirectory.class);

    static final int PAGE_SIZE = 500;
    private static final int MAX_NAME_LENGTH = 256;
    /*
     * In direct-bind mode the name goes into a bind DN or UPN, where escaping rules differ per server; a login
     * name outside this set could make the bind and the entry lookup disagree about who the person is.
     */
    private static final Pattern DIRECT_BIND_NAME = Pattern.compile("[\\p{L}\\p{N}._-]+");

    private final LdapSettings settings;
    private final LdapConnector connector;
    private final int pageSize;
    private final String[] attributes;
    private final LdapAccounts accounts;

    public LdapDirectory(LdapSettings settings) {
        this(settings, PAGE_SIZE, null);
    }

    /**
     * @param pageSize     entries per page of {@link #accounts()} (tests use a small one to prove paging)
     * @param trustManager replaces the JVM trust store for TLS; null for the settings' choice
     */
    LdapDirectory(LdapSettings settings, int pageSize, X509TrustManager trustManager) {
        List<String> problems = settings.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be positive");
        }
        this.settings = settings;
        this.accounts = new LdapAccounts(settings);
        this.connector = new LdapConnector(settings, trustManager);
        this.pageSize = pageSize;
        this.attributes = new String[] {settings.loginAttribute(), settings.displayNameAttribute(),
                settings.emailAttribute(), settings.groupAttribute(),
                "userAccountControl", "nsAccountLock", "pwdAccountLockedTime"};
    }

    public LdapSettings settings() {
        return settings;
    }

    @Override
    public Optional<DirectoryAccount> authenticate(String name, String password) {
        if (name == null || password == null || password.isEmpty()) {
            return Optional.empty();
        }
        String login = name.strip();
        if (login.isEmpty() || login.length() > MAX_NAME_LENGTH || login.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        Optional<DirectoryAccount> account = settings.directBind()
                ? directBind(login, password)
                : searchThenBind(login, password);
        return account.filter(DirectoryAccount::enabled);
    }

    private Optional<DirectoryAccount> searchThenBind(String login, String password) {
        Entry entry;
        try (LDAPConnection service = serviceConnection()) {
            entry = findPerson(service, login);
        } catch (LDAPException e) {
            throw searchFailed(e);
        }
        if (entry == null) {
            return Optional.empty();
        }
        try (LDAPConnection person = open()) {
            if (!bind(person, entry.getDN(), password)) {
                return Optional.empty();
            }
        }
        return Optional.of(accounts.read(entry, login));
    }

    private Optional<DirectoryAccount> directBind(String login, String password) {
        if (!DIRECT_BIND_NAME.matcher(login).matches()) {
            return Optional.empty();
        }
        String bindName = settings.upnPattern().replace("{0}", login);
        try (LDAPConnection person = open()) {
            if (!bind(person, bindName, password)) {
                return Optional.empty();
            }
            // People can read their own entry in AD and in the usual OpenLDAP ACLs.
            Entry entry = findPerson(person, login);
            if (entry == null) {
                log.warn("LDAP bind as {} succeeded but ldap.userFilter finds no single entry for {} under {}; "
                        + "refusing the sign-in", bindName, login, settings.userSearchBase());
                return Optional.empty();
            }
            if (DN.isValidDN(bindName) && bindName.contains("=") && !sameDn(bindName, entry.getDN())) {
                log.warn("LDAP bind DN {} is not the entry {} that ldap.userFilter finds for {}; refusing the sign-in",
                        bindName, entry.getDN(), login);
                return Optional.empty();
            }
            return Optional.of(accounts.read(entry, login));
        } catch (LDAPException e) {
            throw searchFailed(e);
        }
    }

    /** Binds; false when the directory refuses these credentials, an exception when it cannot be asked. */
    private boolean bind(LDAPConnection connection, String bindName, String password) {
        try {
            connection.bind(bindName, password);
            return true;
        } catch (LDAPException e) {
            if (LdapConnector.isConnectionProblem(e)) {
                throw new DirectoryUnavailableException(
                        "LDAP directory " + connector.where() + " failed during a sign-in: " + connector.describe(e), e);
            }
            log.debug("LDAP bind refused for {}: {}", bindName, e.getResultCode());
            return false;
        }
    }

    /** The one entry the user filter finds for this login name; null for none or several. */
    private Entry findPerson(LDAPConnection connection, String login) throws LDAPException {
        Filter filter = Filter.create(settings.userFilter().replace("{0}", Filter.encodeValue(login)));
        SearchRequest request = new SearchRequest(settings.userSearchBase(), SearchScope.SUB, filter, attributes);
        request.setSizeLimit(2);
        request.setTimeLimitSeconds(timeLimitSeconds());
        List<SearchResultEntry> entries;
        try {
            entries = connection.search(request).getSearchEntries();
        } catch (LDAPSearchException e) {
            if (e.getResultCode() != ResultCode.SIZE_LIMIT_EXCEEDED) {
                throw e;
            }
            entries = e.getSearchEntries();
        }
        if (entries.size() > 1) {
            log.warn("LDAP user filter finds more than one entry for {} under {}; refusing the sign-in "
                    + "(make ldap.userFilter match one person)", login, settings.userSearchBase());
            return null;
        }
        return entries.isEmpty() ? null : entries.getFirst();
    }

    @Override
    public List<DirectoryAccount> accounts() {
        Map<String, DirectoryAccount> byName = new LinkedHashMap<>();
        try (LDAPConnection service = serviceConnection()) {
            Filter filter = Filter.create(settings.userFilter().replace("{0}", "*"));
            ASN1OctetString cookie = null;
            do {
                SearchRequest request = new SearchRequest(settings.userSearchBase(), SearchScope.SUB, filter, attributes);
                request.setTimeLimitSeconds(timeLimitSeconds());
                // Not critical: a server without paging then answers in one go, up to its own size limit.
                request.setControls(new SimplePagedResultsControl(pageSize, cookie, false));
                SearchResult page = service.search(request);
                for (SearchResultEntry entry : page.getSearchEntries()) {
                    if (entry.getAttributeValue(settings.loginAttribute()) == null) {
                        log.debug("LDAP entry {} has no {}; not a person Usher can sign in", entry.getDN(),
                                settings.loginAttribute());
                        continue;
                    }
                    DirectoryAccount account = accounts.read(entry, null);
                    DirectoryAccount earlier = byName.putIfAbsent(account.name().toLowerCase(Locale.ROOT), account);
                    if (earlier != null) {
                        log.warn("LDAP has two entries with {}={}; keeping the first", settings.loginAttribute(),
                                account.name());
                    }
                }
                SimplePagedResultsControl paging = SimplePagedResultsControl.get(page);
                cookie = paging != null && paging.moreResultsToReturn() ? paging.getCookie() : null;
            } while (cookie != null);
        } catch (LDAPException e) {
            throw searchFailed(e);
        }
        List<DirectoryAccount> accounts = new ArrayList<>(byName.values());
        accounts.sort(Comparator.comparing(DirectoryAccount::name, String.CASE_INSENSITIVE_ORDER));
        return List.copyOf(accounts);
    }

    @Override
    public String testConnection() {
        return checkConnection().message();
    }

    /** What {@link #testConnection()} says, with whether everything worked. */
    public ConnectionTest checkConnection() {
        String where = connector.where();
        LDAPConnection connection;
        try {
            connection = connector.open();
        } catch (LDAPException e) {
            return ConnectionTest.failed("cannot connect to " + where + ": " + connector.describe(e));
        }
        try (connection) {
            if (settings.bindDn() == null) {
                return ConnectionTest.ok("connected to " + where + "; no service account is set, so the user search "
                        + "base is first read when someone signs in (people bind as " + settings.upnPattern() + ")");
            }
            try {
                connection.bind(settings.bindDn(), settings.bindPassword());
            } catch (LDAPException e) {
                return ConnectionTest.failed("connected to " + where + ", but "
                        + (LdapConnector.isConnectionProblem(e) ? "binding as the service account failed: "
                                : "the directory refused the service account " + settings.bindDn() + ": ")
                        + connector.describe(e));
            }
            String bound = "connected to " + where + ", bound as " + settings.bindDn();
            SearchRequest request;
            try {
                request = new SearchRequest(settings.userSearchBase(), SearchScope.SUB,
                        Filter.create(settings.userFilter().replace("{0}", "*")), SearchRequest.NO_ATTRIBUTES);
            } catch (LDAPException e) {
                return ConnectionTest.failed(bound + ", but ldap.userFilter is invalid: " + connector.describe(e));
            }
            request.setSizeLimit(1);
            request.setTimeLimitSeconds(timeLimitSeconds());
            int found;
            try {
                found = connection.search(request).getEntryCount();
            } catch (LDAPSearchException e) {
                if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
                    found = e.getEntryCount();
                } else if (e.getResultCode() == ResultCode.NO_SUCH_OBJECT) {
                    return ConnectionTest.failed(bound + ", but the user search base " + settings.userSearchBase()
                            + " does not exist");
                } else {
                    return ConnectionTest.failed(bound + ", but searching " + settings.userSearchBase() + " failed: "
                            + connector.describe(e));
                }
            }
            if (found == 0) {
                return ConnectionTest.failed(bound + ", but no entries under " + settings.userSearchBase()
                        + " match the user filter " + settings.userFilter());
            }
            return ConnectionTest.ok(bound + ", user search base " + settings.userSearchBase() + " has entries");
        }
    }

    /** The outcome of {@link #checkConnection()}: a sentence for the admin and whether it is good news. */
    public record ConnectionTest(boolean ok, String message) {
        static ConnectionTest ok(String message) {
            return new ConnectionTest(true, message);
        }

        static ConnectionTest failed(String message) {
            return new ConnectionTest(false, message);
        }
    }

    private LDAPConnection open() {
        try {
            return connector.open();
        } catch (LDAPException e) {
            throw new DirectoryUnavailableException(
                    "cannot connect to LDAP directory " + connector.where() + ": " + connector.describe(e), e);
        }
    }

    private LDAPConnection serviceConnection() {
        if (settings.bindDn() == null) {
            throw new DirectoryUnavailableException("LDAP directory " + connector.where()
                    + ": listing people needs a service account; set ldap.bindDn and ldap.bindPassword", null);
        }
        LDAPConnection connection = open();
        try {
            connection.bind(settings.bindDn(), settings.bindPassword());
            return connection;
        } catch (LDAPException e) {
            connection.close();
            String reason = connector.describe(e);
            throw new DirectoryUnavailableException(LdapConnector.isConnectionProblem(e)
                    ? "LDAP directory " + connector.where() + " failed while binding the service account: " + reason
                    : "LDAP directory " + connector.where() + " refused the service account " + settings.bindDn()
                            + ": " + reason + "; check ldap.bindDn and ldap.bindPassword", e);
        }
    }

    private DirectoryUnavailableException searchFailed(LDAPException e) {
        String reason = e.getResultCode() == ResultCode.NO_SUCH_OBJECT
                ? "the user search base " + settings.userSearchBase() + " does not exist; check ldap.userSearchBase"
                : connector.describe(e);
        return new DirectoryUnavailableException(
                "LDAP search under " + settings.userSearchBase() + " at " + connector.where() + " failed: " + reason, e);
    }

    private int timeLimitSeconds() {
        return Math.max(1, (connector.responseTimeoutMillis() + 999) / 1000);
    }

    private static boolean sameDn(String a, String b) {
        try {
            return DN.equals(a, b);
        } catch (LDAPException e) {
            return false;
        }
    }
}
