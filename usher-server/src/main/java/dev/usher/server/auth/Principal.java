package dev.usher.server.auth;

/**
 * Who a request comes from, once its credentials were checked.
 *
 * @param userId null for the bootstrap/local admin tokens, which act as the built-in admin
 * @param via    how they proved it: {@code session}, {@code api} (token), {@code bootstrap}
 */
public record Principal(Long userId, String name, boolean admin, String via) {}
