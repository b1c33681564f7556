package dev.usher.core.notify;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    @Test
    void the_signature_is_hmac_sha256_over_timestamp_dot_body() {
        byte[] body = "{\"kind\":\"test\"}".getBytes(StandardCharsets.UTF_8);
        // Worked out independently: printf '1780315200.{"kind":"test"}' | openssl dgst -sha256 -hmac s3cret
        assertThat(WebhookSignature.sign("s3cret", 1_780_315_200L, body))
                .isEqualTo("sha256=" + OPENSSL);
        assertThat(WebhookSignature.verify("s3cret", 1_780_315_200L, body, "sha256=" + OPENSSL)).isTrue();
        assertThat(WebhookSignature.verify("s3cret", 1_780_315_201L, body, "sha256=" + OPENSSL)).as("another time").isFalse();
        assertThat(WebhookSignature.verify("other", 1_780_315_200L, body, "sha256=" + OPENSSL)).as("another secret").isFalse();
    }

    static final String OPENSSL = "e36a10d48bc75f2d8a4d8f574a90e98681c6cd72aa8ba278b63ebf4e3532569b";
}
