package dev.usher.core.json;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Core's strict JSON reader: what RFC 8259 allows is read exactly, everything else refused with where and what. */
class JsonReaderTest {

    @Test
    void readsEveryKindOfValueAndWritesItBackTheSame() {
        String text = "{\"s\":\"a\\\"b\\u00e9\\ud83d\\ude00\",\"n\":-12.50e3,\"i\":25,\"t\":true,\"f\":false,\"z\":null,\"a\":[1,{},[]]}";
        Json value = JsonReader.read(text);
        Json.Obj obj = (Json.Obj) value;
        assertThat(obj.members().keySet()).containsExactly("s", "n", "i", "t", "f", "z", "a");
        assertThat(obj.get("s")).isEqualTo(new Json.Str("a\"b\u00e9\ud83d\ude00"));
        assertThat(((Json.Num) obj.get("n")).value()).isEqualByComparingTo(new BigDecimal("-12500"));
        assertThat(((Json.Num) obj.get("i")).intValue()).isEqualTo(25);
        assertThat(obj.get("z")).isEqualTo(Json.NULL);
        assertThat(((Json.Arr) obj.get("a")).items()).hasSize(3);
        assertThat(JsonReader.read(value.write()).write()).isEqualTo(value.write());
    }

    @Test
    void refusesWhatOtherReadersMightReadDifferently() {
        List.of(
                List.of("{\"a\":1,\"a\":2}", "line 1, column 8: member \"a\" appears twice"),
                List.of("{\"a\":1} {}", "line 1, column 9: unexpected"),
                List.of("[1,]", "line 1, column 4: unexpected"),
                List.of("{\"a\":01}", "line 1, column 7:"),
                List.of("[1.]", "a number needs digits after its decimal point"),
                List.of("[1e]", "a number needs digits in its exponent"),
                List.of("[\"\\ud83d\\u0041\"]", "a \\u escape of a high surrogate is not followed by a low one"),
                List.of("[\"\\ud83d\"]", "a lone surrogate \\u escape"),
                List.of("[\"\\ude00\"]", "a lone surrogate \\u escape"),
                List.of("[\"\\x\"]", "an unknown escape \\x"),
                List.of("[\"a\nb\"]", "a control character inside a string (escape it)"),
                List.of("{\"a\":tru}", "line 1, column 6:"),
                List.of("\n\n  [\"open", "line 3, column 9: a string is not closed"),
                List.of("", "the text ends where a value was expected"))
                .forEach(c -> assertThatThrownBy(() -> JsonReader.read(c.get(0))).as(c.get(0))
                        .isInstanceOf(JsonReader.MalformedJson.class).hasMessageContaining(c.get(1)));
    }

    @Test
    void refusesDeepNestingAndHugeNumbersBeforeTheyCostAnything() {
        String deep = "[".repeat(JsonReader.MAX_DEPTH + 2) + "]".repeat(JsonReader.MAX_DEPTH + 2);
        assertThatThrownBy(() -> JsonReader.read(deep)).hasMessageContaining("nested deeper than " + JsonReader.MAX_DEPTH);
        String ok = "[".repeat(JsonReader.MAX_DEPTH) + "]".repeat(JsonReader.MAX_DEPTH);
        assertThat(JsonReader.read(ok)).isInstanceOf(Json.Arr.class);
        assertThatThrownBy(() -> JsonReader.read("[" + "9".repeat(101) + "]")).hasMessageContaining("more than 100 characters");
    }

    @Test
    void anIntegerIsOnlyOneThatFitsAnInt() {
        assertThat(((Json.Num) JsonReader.read("2147483647")).intValue()).isEqualTo(Integer.MAX_VALUE);
        assertThat(((Json.Num) JsonReader.read("2147483648")).intValue()).isNull();
        assertThat(((Json.Num) JsonReader.read("2.5")).intValue()).isNull();
    }
}
