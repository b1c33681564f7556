package dev.usher.core.seat;

/** A refused checkout: why (the API's problem type), the pool's numbers, and a sentence a person understands. */
public record Deny(DenyReason reason, int capacity, int inUse, String message) {}
