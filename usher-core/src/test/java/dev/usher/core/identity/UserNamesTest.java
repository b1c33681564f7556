package dev.usher.core.identity;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UserNamesTest {

    private final UserNames stripping = new UserNames(true);
    private final UserNames keeping = new UserNames(false);

    @Test
    void spellingsOfOnePersonShareOneKey() {
        String key = stripping.key("alice");
        for (String spelling : new String[] {"Alice", " ALICE ", "CORP\\alice", "corp\\Alice", "alice@corp.example",
                "CORP\\alice@corp.example", "ａｌｉｃｅ" /* full-width, NFKC folds it */, "\talice\n"}) {
            assertThat(stripping.key(spelling)).as(spelling).isEqualTo(key);
        }
        assertThat(stripping.key("bob")).isNotEqualTo(key);
    }

    @Test
    void turkishLocaleDoesNotSplitAPerson() {
        java.util.Locale saved = java.util.Locale.getDefault();
        try {
            java.util.Locale.setDefault(java.util.Locale.forLanguageTag("tr-TR"));
            assertThat(stripping.key("IVAN")).isEqualTo("ivan");
        } finally {
            java.util.Locale.setDefault(saved);
        }
    }

    @Test
    void domainStrippingCanBeTurnedOff() {
        assertThat(keeping.key("CORP\\alice")).isEqualTo("corp\\alice");
        assertThat(keeping.key("CORP\\alice")).isNotEqualTo(keeping.key("alice"));
        assertThat(keeping.key("Alice")).isEqualTo(keeping.key("alice"));
    }

    @Test
    void displayKeepsTheSpellingButCleansIt() {
        assertThat(stripping.display("  CORP\\Alice ")).isEqualTo("CORP\\Alice");
    }

    @Test
    void rejectsWhatCannotBeAName() {
        assertThatThrownBy(() -> stripping.key(null)).hasMessage("user is missing");
        assertThatThrownBy(() -> stripping.key("   ")).hasMessage("user is empty");
        assertThatThrownBy(() -> stripping.key("a\u0000b")).hasMessageContaining("control characters");
        assertThatThrownBy(() -> stripping.key("x".repeat(257))).hasMessageContaining("longer than 256");
        assertThatThrownBy(() -> stripping.key("CORP\\")).hasMessageContaining("no user part");
        assertThatThrownBy(() -> UserNames.host(null)).hasMessage("host is missing");
    }

    @Test
    void hostKeysIgnoreCaseAndDomainButNotIpAddresses() {
        assertThat(UserNames.hostKey("WS1.corp.example")).isEqualTo("ws1");
        assertThat(UserNames.hostKey("ws1")).isEqualTo("ws1");
        assertThat(UserNames.hostKey("10.0.0.5")).isEqualTo("10.0.0.5");
        assertThat(UserNames.hostKey("fe80::1")).isEqualTo("fe80::1");
    }

    @Test
    void invisibleCharactersInsideANameDoNotMakeAnotherPerson() {
        String key = stripping.key("alice");
        // zero-width space, ZWNJ, ZWJ, soft hyphen, BOM, word joiner, variation selector, a tag character, Hangul filler
        for (String spelling : new String[] {"al\u200bice", "al\u200cice", "al\u200dice", "al\u00adice", "\ufeffalice",
                "ali\u2060ce", "alice\ufe0f", "al\udb40\udc20ice", "alice\u3164", "a\u200bl\u200bi\u200bc\u200be"}) {
            assertThat(stripping.key(spelling)).as(spelling).isEqualTo(key);
            assertThat(stripping.display(spelling)).as(spelling).isEqualTo("alice");
        }
        assertThat(UserNames.host("ws\u200b1")).isEqualTo("ws1");
    }

    @Test
    void bidiControlsAndLoneSurrogatesAreRefusedSayingWhy() {
        for (String bidi : new String[] {"\u202eecila", "alice\u200e", "\u2067alice\u2069", "al\u061cice", "a\u202alice"}) {
            assertThatThrownBy(() -> stripping.key(bidi)).as(bidi)
                    .isInstanceOf(UserNames.InvalidNameException.class).hasMessageContaining("bidirectional control");
        }
        assertThatThrownBy(() -> stripping.key("al\ud800ice")).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> stripping.key("alice\udc00")).hasMessageContaining("lone surrogate");
        assertThatThrownBy(() -> stripping.key("\udc00\ud800")).hasMessageContaining("lone surrogate");
        // A well-formed pair is a character like any other.
        assertThat(stripping.key("al\ud835\udc1ece")).isEqualTo("alece"); // U+1D41E, bold e: NFKC makes it e
        assertThatThrownBy(() -> UserNames.host("ws\u202e1")).hasMessageContaining("bidirectional control");
    }

    @Test
    void aNameOfOnlyInvisibleCharactersIsEmpty() {
        for (String invisible : new String[] {"\u200b", "\u200b\u200d\u00ad", " \ufeff ", "\u3164"}) {
            assertThatThrownBy(() -> stripping.key(invisible)).as(invisible)
                    .hasMessage("user is empty once its invisible characters (zero-width spaces, joiners, soft hyphens, ...) are removed");
        }
    }
}
