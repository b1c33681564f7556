package dev.usher.store.postgresql;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PostgresUrlTest {

    @Test
    void theFormsAdministratorsWriteBecomeTheDriversUrl() {
        assertThat(PostgresUrl.parse("postgresql://db.example:5432/usher?user=usher&password=s3cret").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example:5432/usher?user=usher&password=s3cret");
        assertThat(PostgresUrl.parse("postgres://db.example/usher").jdbcUrl()).isEqualTo("jdbc:postgresql://db.example/usher");
        assertThat(PostgresUrl.parse("jdbc:postgresql://db.example:5433/usher?sslmode=require").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example:5433/usher?sslmode=require");
        // user:password@ is not read by the driver: it becomes parameters (decoded, then encoded again).
        assertThat(PostgresUrl.parse("postgresql://usher:p%40ss@db.example/usher").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db.example/usher?user=usher&password=p%40ss");
    }

    @Test
    void thePasswordIsNeverShown() {
        PostgresUrl url = PostgresUrl.parse("postgresql://db.example/usher?user=usher&password=s3cret&ssl=true");
        assertThat(url.toString()).isEqualTo("postgresql://db.example/usher?user=usher&password=***&ssl=true");
        assertThat(PostgresUrl.parse("postgresql://usher:s3cret@db.example/usher").toString()).doesNotContain("s3cret");
    }

    @Test
    void whatIsNotAPostgresqlLocationIsRefusedInOneLine() {
        assertThatThrownBy(() -> PostgresUrl.parse("sqlite:/tmp/x.db")).hasMessageStartingWith("the database URL must start with postgresql://");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql:///usher")).hasMessageContaining("names no host");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://db.example")).hasMessageContaining("names no database");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://db example/usher")).hasMessageContaining("not a valid URL");
        assertThat(PostgresUrl.isPostgres(null)).isFalse();
    }
}
