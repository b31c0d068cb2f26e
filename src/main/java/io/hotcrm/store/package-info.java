/**
 * Where records live: one table per object, generated from the catalogue ({@link io.hotcrm.store.Schema}),
 * with system columns for ids, external ids, audit stamps, a change sequence and soft deletion.
 * {@link io.hotcrm.store.RecordStore} is the front door for single-record writes; {@link io.hotcrm.store.BulkWriter}
 * is the set-based path for imports (COPY + upsert on PostgreSQL, MERGE batches on H2).
 */
package io.hotcrm.store;
