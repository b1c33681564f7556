package dev.usher.server.report;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** CSV cells for hostile names: quoted and doubled where needed, formulas neutralized, and read back exactly. */
class CsvTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "alice|alice",
            "a,b|`\"a,b\"`",
            "say \"hi\"|`\"say \"\"hi\"\"\"`",
            "=1+2|'=1+2",
            "+cmd|'+cmd",
            "-2|'-2",
            "@SUM(A1)|'@SUM(A1)",
            "=HYPERLINK(\"http://x\",\"y\")|`\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"`",
            "a-b|a-b",
    })
    void cells(String value, String expected) {
        assertThat(Csv.text(value)).isEqualTo(expected);
    }

    @Test
    void line_breaks_stay_inside_their_cell_and_numbers_are_plain() {
        String line = Csv.line(Arrays.asList("two\nlines", "cr\rlf", null, 42, 2.5, "\ttab"));
        assertThat(line).isEqualTo("\"two\nlines\",\"cr\rlf\",,42,2.5,'\ttab\r\n");
        assertThat(CsvReader.parse(line)).containsExactly(List.of("two\nlines", "cr\rlf", "", "42", "2.5", "'\ttab"));
    }
}
