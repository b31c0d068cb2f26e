/**
 * Where exported files go: a local directory, S3 and S3-compatible stores (GCS through its S3-compatible XML
 * API with HMAC keys), Azure Blob, SFTP. Every {@link io.hotcrm.destinations.Destination} uploads a file so
 * that it becomes visible whole or not at all: multipart uploads, staged blocks or a temporary name renamed
 * at the end. The kinds live in sub-packages and are wired by the composition root.
 */
package io.hotcrm.destinations;
