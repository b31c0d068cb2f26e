/**
 * The file store every node shares: uploads waiting to be imported, import result and error files and their
 * parts, and (later) backups. {@link io.hotcrm.files.FileStore} is the front door; it keeps files under
 * keys ({@code uploads/<id>/contacts.csv}, {@code imports/<id>/results.csv}), never absolute paths, in a local
 * directory (the embedded default) or an S3-compatible bucket that several nodes share, through the
 * destinations package's own local and S3 kinds.
 */
package io.hotcrm.files;
