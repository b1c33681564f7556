package dev.usher.server.auth.ldap;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LdapSettingsTest {

    private static final LdapSettings OPENLDAP = LdapSettings.builder("ldap://ldap.corp.example", "ou=people,dc=corp,dc=example")
            .bind("cn=usher,ou=services,dc=corp,dc=example", "s3cret-pw").build();

    @Test
    void defaults() {
        assertThat(OPENLDAP.userFilter()).isEqualTo("(&(objectClass=person)(uid={0}))");
        assertThat(OPENLDAP.loginAttribute()).isEqualTo("uid");
        assertThat(OPENLDAP.groupAttribute()).isEqualTo("memberOf");
        assertThat(OPENLDAP.displayNameAttribute()).isEqualTo("cn");
        assertThat(OPENLDAP.emailAttribute()).isEqualTo("mail");
        assertThat(OPENLDAP.connectTimeoutMillis()).isEqualTo(5000);
        assertThat(OPENLDAP.syncMinutes()).isZero();
        assertThat(OPENLDAP.trustAllCertificates()).isFalse();
        assertThat(OPENLDAP.directBind()).isFalse();
        assertThat(OPENLDAP.problems()).isEmpty();
    }

    @Test
    void activeDirectoryDefaults() {
        LdapSettings ad = LdapSettings.activeDirectory("ldaps://dc1.corp.example", "dc=corp,dc=example")
                .bind("usher-svc@corp.example", "pw").build();

        assertThat(ad.userFilter()).isEqualTo("(&(objectClass=user)(sAMAccountName={0}))");
        assertThat(ad.loginAttribute()).isEqualTo("sAMAccountName");
        assertThat(ad.problems()).isEmpty();
    }

    @Test
    void problemsNameTheField() {
        assertThat(LdapSettings.builder("http://dc1", "dc=corp").bind("cn=svc", "pw").build().problems())
                .containsExactly("ldap.url must start with ldap:// or ldaps://");
        assertThat(LdapSettings.builder(" ", null).build().problems()).containsExactly(
                "ldap.url is required (ldap://host:389 or ldaps://host:636)",
                "ldap.userSearchBase is required, e.g. ou=people,dc=corp,dc=example",
                "ldap.bindDn is required unless ldap.upnPattern is set: it is the account that finds people's entries");
        assertThat(OPENLDAP.toBuilder().url("ldaps://dc1:636").startTls(true).build().problems())
                .containsExactly("ldap.startTls cannot be combined with an ldaps:// url, which is encrypted already");
        assertThat(OPENLDAP.toBuilder().userSearchBase("not a dn").build().problems())
                .containsExactly("ldap.userSearchBase is not a valid DN: not a dn");
        assertThat(OPENLDAP.toBuilder().userFilter("(uid=alice)").build().problems()).singleElement()
                .asString().startsWith("ldap.userFilter must contain {0}");
        assertThat(OPENLDAP.toBuilder().userFilter("(&(uid={0})").build().problems()).singleElement()
                .asString().startsWith("ldap.userFilter is not a valid LDAP filter");
        assertThat(OPENLDAP.toBuilder().groupAttribute("member of").build().problems())
                .containsExactly("ldap.groupAttribute is not an LDAP attribute name: member of");
        assertThat(OPENLDAP.toBuilder().bindPassword(null).build().problems())
                .containsExactly("ldap.bindPassword is required with ldap.bindDn");
        assertThat(OPENLDAP.toBuilder().upnPattern("corp.example").build().problems()).singleElement()
                .asString().startsWith("ldap.upnPattern must contain {0}");
        assertThat(OPENLDAP.toBuilder().syncMinutes(-1).connectTimeoutMillis(-5).build().problems()).containsExactly(
                "ldap.syncMinutes must be 0 (off) or a number of minutes",
                "ldap.connectTimeoutMillis must be between 1 and 120000");
    }

    @Test
    void directBindNeedsNoServiceAccountUnlessSyncIsOn() {
        LdapSettings direct = OPENLDAP.toBuilder().bind(null, null).upnPattern("{0}@corp.example").build();

        assertThat(direct.problems()).isEmpty();
        assertThat(direct.toBuilder().syncMinutes(60).build().problems()).containsExactly(
                "ldap.bindDn is required when ldap.syncMinutes is above 0: the sync searches as that account");
    }

    @Test
    void invalidSettingsCannotMakeADirectory() {
        assertThatThrownBy(() -> new LdapDirectory(OPENLDAP.toBuilder().url("dc1").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ldap.url must start with ldap:// or ldaps://");
    }

    @Test
    void jsonRoundTrip() {
        LdapSettings all = OPENLDAP.toBuilder().startTls(true).upnPattern("{0}@corp.example").syncMinutes(15)
                .trustAllCertificates(true).connectTimeoutMillis(1234).emailAttribute("userPrincipalName").build();

        assertThat(LdapSettings.fromJson(all.toJson())).isEqualTo(all);
    }

    @Test
    void jsonWithOnlyTheEssentialsTakesDefaultsAndIgnoresUnknownMembers() {
        LdapSettings parsed = LdapSettings.fromJson("""
                {"url": "ldap://dc1:389", "userSearchBase": "dc=corp,dc=example",
                 "bindDn": "cn=svc", "bindPassword": "pw", "someFutureOption": 3}""");

        assertThat(parsed).isEqualTo(LdapSettings.builder("ldap://dc1:389", "dc=corp,dc=example").bind("cn=svc", "pw").build());
        assertThatThrownBy(() -> LdapSettings.fromJson("{\"url\": ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void thePasswordIsNeverShown() {
        assertThat(OPENLDAP.toString()).doesNotContain("s3cret-pw").contains("bindPassword=(set)");

        JsonNode redacted = JsonMapper.builder().build().valueToTree(OPENLDAP.redacted());
        assertThat(redacted.toString()).doesNotContain("s3cret-pw");
        assertThat(redacted.get("bindPassword").isNull()).isTrue();
        assertThat(redacted.get("bindPasswordSet").asBoolean()).isTrue();
        assertThat(redacted.get("url").asString()).isEqualTo("ldap://ldap.corp.example");
        assertThat(redacted.get("bindDn").asString()).isEqualTo("cn=usher,ou=services,dc=corp,dc=example");
        assertThat(redacted.has("settings")).as("unwrapped").isFalse();

        JsonNode withoutPassword = JsonMapper.builder().build()
                .valueToTree(OPENLDAP.toBuilder().bindPassword(null).build().redacted());
        assertThat(withoutPassword.get("bindPasswordSet").asBoolean()).isFalse();
    }

    @Test
    void aResentFormWithoutPasswordKeepsTheStoredOne() {
        // The console sends back what GET showed it, bindPasswordSet and all, with one field changed.
        JsonMapper json = JsonMapper.builder().build();
        tools.jackson.databind.node.ObjectNode shown = json.valueToTree(OPENLDAP.redacted());
        shown.put("syncMinutes", 30);
        LdapSettings fromConsole = LdapSettings.fromJson(shown.toString());
        assertThat(fromConsole.bindPassword()).isNull();

        LdapSettings merged = fromConsole.keepingPasswordOf(OPENLDAP);

        assertThat(merged.bindPassword()).isEqualTo("s3cret-pw");
        assertThat(merged.syncMinutes()).isEqualTo(30);
        assertThat(fromConsole.toBuilder().bindPassword("new-pw").build().keepingPasswordOf(OPENLDAP).bindPassword())
                .isEqualTo("new-pw");
        assertThat(fromConsole.toBuilder().bind("cn=other", null).build().keepingPasswordOf(OPENLDAP).bindPassword())
                .as("another service account does not inherit the old one's password").isNull();
    }
}
