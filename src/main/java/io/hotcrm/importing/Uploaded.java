package io.hotcrm.importing;

import java.util.UUID;

/** A file uploaded for import ({@link Importer#upload}): its id, safe name and size. */
public record Uploaded(UUID id, String name, long size) {
}
