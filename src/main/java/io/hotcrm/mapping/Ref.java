package io.hotcrm.mapping;

/**
 * A lookup or owner value as the file gives it, before it is resolved to a record id: the key and how to
 * find the record by it (the importer resolves the distinct keys of a chunk in one query).
 */
public record Ref(LookupBy by, String key) {
}
