package dev.usher.server.auth.ldap;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Entry;
import com.unboundid.ldap.sdk.LDAPException;
import dev.usher.server.auth.DirectoryAccount;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.TreeSet;

/**
 * Reads a directory entry as the person Usher knows: the directory's spelling of the name, display name, e-mail,
 * group names, and whether the account may sign in.
 *
 * <p>Disabled accounts do not sign in: Active Directory's {@code userAccountControl} bit 0x2, 389-DS/Oracle
 * {@code nsAccountLock: true}, or OpenLDAP ppolicy's permanent lock {@code pwdAccountLockedTime: 000001010000Z}
 * (temporary lockouts are enforced by the server's own bind).
 */
final class LdapAccounts {

    private static final Logger log = LoggerFactory.getLogger(LdapAccounts.class);
    private static final int ACCOUNTDISABLE = 0x2;
    private static final String PERMANENTLY_LOCKED = "000001010000Z";

    private final LdapSettings settings;

    LdapAccounts(LdapSettings settings) {
        this.settings = settings;
    }

    /** The person an entry describes; {@code login} is the name they signed in with (null when listing). */
    DirectoryAccount read(Entry entry, String login) {
        String stored = entry.getAttributeValue(settings.loginAttribute());
        // The directory's spelling (Alice typed, alice stored) becomes the canonical name.
        String name = stored == null ? login : stored;
        String displayName = entry.getAttributeValue(settings.displayNameAttribute());
        String email = entry.getAttributeValue(settings.emailAttribute());
        TreeSet<String> groups = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        String[] values = entry.getAttributeValues(settings.groupAttribute());
        if (values != null) {
            for (String value : values) {
                String group = groupName(value);
                if (!group.isEmpty()) {
                    groups.add(group);
                }
            }
        }
        return new DirectoryAccount(name, displayName == null ? name : displayName, email,
                List.copyOf(groups), !disabled(entry));
    }

    /** {@code cn=engineers,ou=groups,dc=corp,dc=example} → {@code engineers}; a value that is no DN stays as it is. */
    static String groupName(String value) {
        try {
            DN dn = new DN(value);
            if (dn.isNullDN()) {
                return value.strip();
            }
            String[] rdnValues = dn.getRDN().getAttributeValues();
            return rdnValues.length == 0 ? value.strip() : rdnValues[0];
        } catch (LDAPException e) {
            return value.strip();
        }
    }

    static boolean disabled(Entry entry) {
        String uac = entry.getAttributeValue("userAccountControl");
        if (uac != null) {
            try {
                if ((Long.parseLong(uac.strip()) & ACCOUNTDISABLE) != 0) {
                    return true;
                }
            } catch (NumberFormatException e) {
                log.warn("LDAP entry {} has a userAccountControl that is no number: {}", entry.getDN(), uac);
            }
        }
        if ("true".equalsIgnoreCase(strip(entry.getAttributeValue("nsAccountLock")))) {
            return true;
        }
        return PERMANENTLY_LOCKED.equals(strip(entry.getAttributeValue("pwdAccountLockedTime")));
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }
}
