/**
 * Backups of the whole instance — every table in one consistent snapshot, in a form either database reads, and the
 * file store — with a manifest of checksums and counts; verification without restoring; restore into an empty (or,
 * when told, a replaced) database with the previous data kept until the restored one is proven; the erasure ledger
 * replayed before a restored instance serves anyone. {@link io.hotcrm.backup.Backups} is the front door.
 */
package io.hotcrm.backup;
