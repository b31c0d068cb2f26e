/**
 * Where records live: one table per object, generated from the catalogue ({@link io.hotcrm.store.Schema}),
 * with system columns for ids, external ids, audit stamps, a change sequence and soft deletion.
 * Its front doors: {@link io.hotcrm.store.RecordStore} for single records (create, read, update, delete, restore,
 * with permissions, field-level security and the audit log), {@link io.hotcrm.store.Schema} for objects and
 * custom fields, {@link io.hotcrm.store.RecycleBin}. {@link io.hotcrm.store.RecordBatch} is the one set-based
 * write path, which the import pipeline drives chunk by chunk inside its own transactions: matching keys,
 * resolving references, inserting new records (binary COPY on PostgreSQL, JDBC batches on H2) and updating only
 * the columns that change.
 */
package io.hotcrm.store;
