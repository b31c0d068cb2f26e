package io.hotcrm.destinations.azure;

import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import com.azure.storage.common.StorageSharedKeyCredential;
import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import io.hotcrm.destinations.Destination;
import io.hotcrm.destinations.DestinationKind;
import io.hotcrm.destinations.Destinations;
import io.hotcrm.destinations.Upload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Azure Blob Storage (and Azurite): files are block blobs whose blocks ({@code blockSizeMb}, default 8 MB) are
 * staged as they fill — invisible until the block list is committed at the end, so a failed upload shows
 * nothing. Authenticates with the account key, a connection string or a SAS token.
 */
public final class AzureKind implements DestinationKind {
    @Override
    public String type() {
        return "azure";
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.required("container", "the blob container's name"),
                Setting.optional("prefix", "a folder inside the container, e.g. exports/"),
                Setting.optional("account", "the storage account's name (with accountKey)"),
                Setting.secret("accountKey", false, "the storage account's key"),
                Setting.secret("connectionString", false, "instead of account and key: the account's connection string"),
                Setting.secret("sasToken", false, "instead of a key: a SAS token allowing write, list, read and delete"),
                Setting.optional("endpoint", "the blob endpoint (default https://ACCOUNT.blob.core.windows.net)"),
                Setting.optional("blockSizeMb", "the size of each uploaded block (default 8)"));
    }

    @Override
    public Destination open(Map<String, String> s) {
        BlobServiceClientBuilder b = new BlobServiceClientBuilder().httpClient(new JdkHttpClientBuilder().build());
        String account = blank(s.get("account")) ? null : s.get("account").trim();
        String endpoint = blank(s.get("endpoint")) ? (account == null ? null : "https://" + account + ".blob.core.windows.net")
                : s.get("endpoint").trim();
        if (!blank(s.get("connectionString"))) {
            b.connectionString(s.get("connectionString"));
        } else if (!blank(s.get("accountKey")) && account != null) {
            b.endpoint(endpoint).credential(new StorageSharedKeyCredential(account, s.get("accountKey")));
        } else if (!blank(s.get("sasToken")) && endpoint != null) {
            b.endpoint(endpoint).sasToken(s.get("sasToken"));
        } else {
            throw HotCrmException.invalid("The azure destination needs credentials: account and accountKey, or connectionString,"
                    + " or endpoint (or account) and sasToken.");
        }
        int blockMb = 8;
        if (!blank(s.get("blockSizeMb"))) {
            try {
                blockMb = Integer.parseInt(s.get("blockSizeMb").trim());
            } catch (NumberFormatException e) {
                blockMb = -1;
            }
            if (blockMb < 1 || blockMb > 4000) {
                throw HotCrmException.invalid("blockSizeMb must be a whole number from 1 to 4000, not \"" + s.get("blockSizeMb") + "\".");
            }
        }
        BlobContainerClient container = b.buildClient().getBlobContainerClient(s.get("container").trim());
        return new Container(container, s.getOrDefault("prefix", ""), blockMb * 1024 * 1024);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    static final class Container implements Destination {
        private final BlobContainerClient container;
        private final String prefix;
        private final int blockSize;

        Container(BlobContainerClient container, String prefix, int blockSize) {
            this.container = container;
            this.prefix = prefix == null ? "" : prefix;
            this.blockSize = blockSize;
        }

        @Override
        public String describe() {
            return container.getBlobContainerUrl() + "/" + Destinations.join(prefix, "");
        }

        @Override
        public void test() {
            String name = Destinations.join(prefix, ".hotcrm-probe-" + UUID.randomUUID());
            try {
                BlockBlobClient blob = container.getBlobClient(name).getBlockBlobClient();
                blob.upload(BinaryData.fromString("HotCRM connection test"), true);
                blob.delete();
            } catch (RuntimeException e) {
                throw failure("write a test file to", e);
            }
        }

        @Override
        public Upload upload(String name) {
            BlockBlobClient blob = container.getBlobClient(Destinations.join(prefix, Destinations.checkName(name))).getBlockBlobClient();
            return new BlockUpload(blob);
        }

        @Override
        public List<String> list() {
            String p = Destinations.join(prefix, "");
            List<String> out = new ArrayList<>();
            try {
                for (BlobItem item : container.listBlobs(new ListBlobsOptions().setPrefix(p), null)) {
                    String rel = item.getName().substring(p.length());
                    if (!rel.startsWith(".")) {
                        out.add(rel);
                    }
                }
            } catch (RuntimeException e) {
                throw failure("list", e);
            }
            return out.stream().sorted().toList();
        }

        @Override
        public InputStream open(String name) {
            try {
                return container.getBlobClient(Destinations.join(prefix, Destinations.checkName(name))).openInputStream();
            } catch (RuntimeException e) {
                throw failure("read " + name + " from", e);
            }
        }

        @Override
        public void delete(String name) {
            try {
                container.getBlobClient(Destinations.join(prefix, Destinations.checkName(name))).deleteIfExists();
            } catch (RuntimeException e) {
                throw failure("delete " + name + " from", e);
            }
        }

        @Override
        public void close() {
            // the HTTP client is shared and closes with the JVM
        }

        private HotCrmException failure(String what, RuntimeException e) {
            String hint = "";
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            if (e instanceof BlobStorageException b) {
                detail = b.getErrorCode() + " (HTTP " + b.getStatusCode() + ")";
                if (b.getStatusCode() == 403) {
                    hint = " The credentials were refused: check the account key, connection string or SAS token and its permissions.";
                } else if (b.getStatusCode() == 404) {
                    hint = " The container does not exist: check its name, or create it.";
                }
            } else {
                hint = " The storage account could not be reached: check the endpoint and network.";
            }
            return new HotCrmException(ErrorCode.UNAVAILABLE, "Could not " + what + " " + describe() + ": " + detail + "." + hint, e);
        }

        /** Blocks are staged as they fill and committed as a list at the end. */
        final class BlockUpload implements Upload {
            private final BlockBlobClient blob;
            private final List<String> blocks = new ArrayList<>();
            private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            private boolean done;
            private final OutputStream out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    buffer.write(b);
                    if (buffer.size() >= blockSize) {
                        stage();
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    while (len > 0) {
                        int n = Math.min(len, blockSize - buffer.size());
                        buffer.write(b, off, n);
                        off += n;
                        len -= n;
                        if (buffer.size() >= blockSize) {
                            stage();
                        }
                    }
                }
            };

            BlockUpload(BlockBlobClient blob) {
                this.blob = blob;
            }

            @Override
            public OutputStream stream() {
                return out;
            }

            private void stage() throws IOException {
                String id = Base64.getEncoder().encodeToString(String.format("%08d", blocks.size()).getBytes(StandardCharsets.US_ASCII));
                try {
                    blob.stageBlock(id, BinaryData.fromBytes(buffer.toByteArray()));
                } catch (RuntimeException e) {
                    throw new IOException(failure("upload block " + (blocks.size() + 1) + " of " + blob.getBlobName() + " to", e).getMessage(), e);
                }
                blocks.add(id);
                buffer = new ByteArrayOutputStream();
            }

            @Override
            public void commit() throws IOException {
                if (buffer.size() > 0 || blocks.isEmpty()) {
                    stage();
                }
                try {
                    blob.commitBlockList(blocks, true);
                    done = true;
                } catch (RuntimeException e) {
                    abort();
                    throw new IOException(failure("finish uploading " + blob.getBlobName() + " to", e).getMessage(), e);
                }
            }

            @Override
            public void abort() {
                done = true;
                buffer = new ByteArrayOutputStream();
                // staged blocks that are never committed stay invisible and are discarded by the service
            }
        }
    }
}
