package io.hotcrm.security;

import java.util.UUID;

/** A person who signs in to HotCRM. Stored as a record of the {@code user} object. */
public record User(UUID id, String email, String name, boolean active, String role) {
}
