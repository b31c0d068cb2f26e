package io.hotcrm.destinations.s3;

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
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Amazon S3 and S3-compatible stores, and Google Cloud Storage through its S3-compatible XML API with HMAC
 * keys ({@link #gcs()}). Files are sent as multipart uploads in parts of {@code partSizeMb} (default 8 MB):
 * only one part is held in memory, and the object appears only when the upload is completed — an aborted
 * upload leaves nothing visible.
 */
public final class S3Kind implements DestinationKind {
    static final int DEFAULT_PART_MB = 8;
    private final String type;

    private S3Kind(String type) {
        this.type = type;
    }

    public static S3Kind s3() {
        return new S3Kind("s3");
    }

    /** GCS's XML API speaks S3: HMAC keys (Cloud Storage → Settings → Interoperability), endpoint storage.googleapis.com. */
    public static S3Kind gcs() {
        return new S3Kind("gcs");
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public List<Setting> settings() {
        boolean gcs = type.equals("gcs");
        return List.of(
                Setting.required("bucket", "the bucket's name"),
                Setting.optional("prefix", "a folder inside the bucket, e.g. exports/hotcrm/"),
                Setting.optional("region", gcs ? "GCS ignores it (default auto)" : "the bucket's region, e.g. eu-west-1 (default us-east-1)"),
                Setting.optional("endpoint", gcs ? "default https://storage.googleapis.com"
                        : "for S3-compatible stores (MinIO, Ceph, R2, …): their URL; empty for AWS"),
                Setting.optional("pathStyle", "true to address the bucket in the path (most S3-compatible stores)"),
                Setting.required("accessKeyId", gcs ? "the HMAC key's access id" : "the access key id"),
                Setting.secret("secretAccessKey", true, gcs ? "the HMAC key's secret" : "the secret access key"),
                Setting.optional("partSizeMb", "the size of each uploaded part, 5 or more (default 8)"));
    }

    @Override
    public Destination open(Map<String, String> s) {
        boolean gcs = type.equals("gcs");
        String endpoint = blankToNull(s.get("endpoint"));
        if (gcs && endpoint == null) {
            endpoint = "https://storage.googleapis.com";
        }
        int partMb = s.get("partSizeMb") == null || s.get("partSizeMb").isBlank() ? DEFAULT_PART_MB : parsePart(s.get("partSizeMb"));
        S3ClientBuilder b = S3Client.builder()
                .region(Region.of(blankToNull(s.get("region")) == null ? (gcs ? "auto" : "us-east-1") : s.get("region").trim()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(s.get("accessKeyId").trim(),
                        s.get("secretAccessKey"))))
                .forcePathStyle(Boolean.parseBoolean(s.getOrDefault("pathStyle", "false")));
        if (endpoint != null) {
            b.endpointOverride(URI.create(endpoint.trim()));
            // S3-compatible stores (GCS among them) do not all accept the newest checksum headers
            b.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        String scheme = gcs ? "gs" : "s3";
        return new Bucket(b.build(), s.get("bucket").trim(), s.getOrDefault("prefix", ""), partMb * 1024 * 1024,
                scheme + "://" + s.get("bucket").trim() + "/" + Destinations.join(s.getOrDefault("prefix", ""), "")
                        + (endpoint == null || gcs ? "" : " at " + endpoint));
    }

    private static int parsePart(String text) {
        try {
            int n = Integer.parseInt(text.trim());
            if (n >= 5 && n <= 5000) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw HotCrmException.invalid("partSizeMb must be a whole number from 5 to 5000 (S3's limits), not \"" + text + "\".");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    static final class Bucket implements Destination {
        private final S3Client s3;
        private final String bucket;
        private final String prefix;
        private final int partSize;
        private final String description;

        Bucket(S3Client s3, String bucket, String prefix, int partSize, String description) {
            this.s3 = s3;
            this.bucket = bucket;
            this.prefix = prefix == null ? "" : prefix;
            this.partSize = partSize;
            this.description = description;
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public void test() {
            String key = Destinations.join(prefix, ".hotcrm-probe-" + UUID.randomUUID());
            try {
                s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString("HotCRM connection test"));
                s3.deleteObject(r -> r.bucket(bucket).key(key));
            } catch (SdkException e) {
                throw failure("write a test file to", e);
            }
        }

        @Override
        public Upload upload(String name) {
            return new MultipartUpload(Destinations.join(prefix, Destinations.checkName(name)));
        }

        @Override
        public List<String> list() {
            List<String> out = new ArrayList<>();
            String p = Destinations.join(prefix, "");
            try {
                for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(p)).contents()) {
                    String rel = o.key().substring(p.length());
                    if (!rel.startsWith(".")) {
                        out.add(rel);
                    }
                }
            } catch (SdkException e) {
                throw failure("list", e);
            }
            return out.stream().sorted().toList();
        }

        @Override
        public List<String> list(String prefix) {
            List<String> out = new ArrayList<>();
            String base = Destinations.join(this.prefix, "");
            String p = base + (prefix.isEmpty() ? "" : Destinations.checkName(prefix));
            try {
                for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(p)).contents()) {
                    out.add(o.key().substring(base.length()));
                }
            } catch (SdkException e) {
                throw failure("list " + prefix + " in", e);
            }
            return out.stream().sorted().toList();
        }

        @Override
        public boolean exists(String name) {
            try {
                s3.headObject(r -> r.bucket(bucket).key(Destinations.join(prefix, Destinations.checkName(name))));
                return true;
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
                return false;
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return false;
                }
                throw failure("look for " + name + " in", e);
            } catch (SdkException e) {
                throw failure("look for " + name + " in", e);
            }
        }

        @Override
        public InputStream open(String name) {
            try {
                return s3.getObject(r -> r.bucket(bucket).key(Destinations.join(prefix, Destinations.checkName(name))));
            } catch (SdkException e) {
                throw failure("read " + name + " from", e);
            }
        }

        @Override
        public void delete(String name) {
            try {
                s3.deleteObject(r -> r.bucket(bucket).key(Destinations.join(prefix, Destinations.checkName(name))));
            } catch (SdkException e) {
                throw failure("delete " + name + " from", e);
            }
        }

        @Override
        public void close() {
            s3.close();
        }

        private HotCrmException failure(String what, SdkException e) {
            String detail = e instanceof S3Exception s && s.awsErrorDetails() != null
                    ? s.awsErrorDetails().errorCode() + ": " + s.awsErrorDetails().errorMessage() : e.getMessage();
            String hint;
            if (e instanceof S3Exception s && (s.statusCode() == 403 || "InvalidAccessKeyId".equals(code(s))
                    || "SignatureDoesNotMatch".equals(code(s)))) {
                hint = " The credentials were refused: check the access key id and secret, and that they may write to the bucket.";
            } else if (e instanceof S3Exception s && "NoSuchBucket".equals(code(s))) {
                hint = " The bucket does not exist: check its name (and region or endpoint).";
            } else if (e instanceof SdkClientException) {
                hint = " The store could not be reached: check the endpoint, region and network.";
            } else {
                hint = "";
            }
            return new HotCrmException(ErrorCode.UNAVAILABLE, "Could not " + what + " " + description + " (" + detail + ")." + hint, e);
        }

        private static String code(S3Exception s) {
            return s.awsErrorDetails() == null ? null : s.awsErrorDetails().errorCode();
        }

        /** Parts are sent as they fill; a file smaller than one part is a single PUT at commit. */
        final class MultipartUpload implements Upload {
            private final String key;
            private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            private String uploadId;
            private final List<CompletedPart> parts = new ArrayList<>();
            private boolean done;

            MultipartUpload(String key) {
                this.key = key;
            }

            private final OutputStream out = new OutputStream() {
                @Override
                public void write(int b) throws IOException {
                    buffer.write(b);
                    if (buffer.size() >= partSize) {
                        sendPart();
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    while (len > 0) {
                        int n = Math.min(len, partSize - buffer.size());
                        buffer.write(b, off, n);
                        off += n;
                        len -= n;
                        if (buffer.size() >= partSize) {
                            sendPart();
                        }
                    }
                }
            };

            @Override
            public OutputStream stream() {
                return out;
            }

            private void sendPart() throws IOException {
                try {
                    if (uploadId == null) {
                        uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key)).uploadId();
                    }
                    int number = parts.size() + 1;
                    String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                            RequestBody.fromBytes(buffer.toByteArray())).eTag();
                    parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                    buffer = new ByteArrayOutputStream();
                } catch (SdkException e) {
                    throw new IOException(failure("upload part " + (parts.size() + 1) + " of " + key + " to", e).getMessage(), e);
                }
            }

            @Override
            public void commit() throws IOException {
                try {
                    if (uploadId == null) {
                        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(buffer.toByteArray()));
                    } else {
                        if (buffer.size() > 0) {
                            sendPart();
                        }
                        s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                                .multipartUpload(m -> m.parts(parts)));
                    }
                    done = true;
                } catch (SdkException e) {
                    abort();
                    throw new IOException(failure("finish uploading " + key + " to", e).getMessage(), e);
                }
            }

            @Override
            public void abort() {
                if (done) {
                    return;
                }
                done = true;
                buffer = new ByteArrayOutputStream();
                if (uploadId != null) {
                    try {
                        s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                    } catch (SdkException e) {
                        // the parts are invisible either way; the bucket's lifecycle rule removes them
                    }
                }
            }
        }
    }
}
