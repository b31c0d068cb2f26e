/**
 * Who may do what. {@link io.hotcrm.security.Security} is the front door (users, roles, tokens, sessions,
 * audit log); {@link io.hotcrm.security.AccessGuard} is the single enforcement point that the store and the
 * query engine call before every read and write: object permissions, field-level security and record
 * visibility. Passwords are PBKDF2 hashes, API tokens SHA-256 digests; neither is stored in clear.
 */
package io.hotcrm.security;
