package io.hotcrm.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.PDDocumentNameDictionary;
import org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification;
import org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/**
 * The certificate as a PDF to hand the person: what was searched, found, deleted, anonymised and kept (with why), by
 * whom and when, the record ids, the signature, and how to check it — with the signed JSON certificate attached
 * ({@value #ATTACHMENT}). The PDF is made from the certificate alone, the same bytes every time (no dates of its own,
 * its document id from the request), so checking a PDF means checking its attached certificate's signature and that
 * the PDF is exactly the one made from it: a change of one byte anywhere is found.
 */
final class CertificatePdf {
    static final String ATTACHMENT = "certificate.json";
    private static final float MARGIN = 56;
    private static final float SIZE = 10;
    private static final float LEADING = 14;

    private CertificatePdf() {
    }

    /** The PDF of a signed certificate. */
    static byte[] render(JsonNode c) {
        byte[] json = c.toPrettyString().getBytes(StandardCharsets.UTF_8);
        try (PDDocument doc = new PDDocument()) {
            PDDocumentInformation info = doc.getDocumentInformation();
            info.setTitle("Certificate of " + text(c, "kind") + " - request " + text(c, "request"));
            info.setProducer("HotCRM");
            PDType1Font regular = new PDType1Font(Standard14Fonts.FontName.HELVETICA);
            PDType1Font bold = new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD);
            Writer w = new Writer(doc, regular, bold);
            w.line(bold, 16, "Certificate of " + ("erasure".equals(text(c, "kind")) ? "erasure" : text(c, "kind")));
            w.gap();
            w.line("Request " + text(c, "request") + " (" + text(c, "kind") + ", " + text(c, "action") + ")");
            w.line("Received: " + text(c, "receivedAt"));
            w.line("Due: " + text(c, "dueAt"));
            w.line("Completed: " + text(c, "completedAt") + ", by " + text(c, "handledBy"));
            w.line("Who it was about, as a salted SHA-256 hash (no personal data is kept):");
            w.line("  " + text(c, "identifiersHash"));
            w.gap();
            w.heading("What was searched");
            List<String> searched = new ArrayList<>();
            c.path("searched").forEach(n -> searched.add(n.asText()));
            w.wrapped(String.join(", ", searched) + "; imports, uploads and export files; the audit log.");
            w.gap();
            w.heading("What was found");
            JsonNode f = c.path("found");
            w.line("  records of the person: " + f.path("personRecords").asInt());
            w.line("  records linked to them: " + f.path("linkedRecords").asInt());
            w.line("  mentions in other records' text: " + f.path("mentions").asInt());
            w.line("  audit log entries: " + f.path("auditEntries").asInt());
            w.line("  copies outside the records (imports, uploads, export files): " + f.path("copies").asInt());
            w.gap();
            w.heading("What was done, per object (deleted / anonymised / kept)");
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("objects").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                w.line("  " + e.getKey() + ": " + e.getValue().path("deleted").size() + " / " + e.getValue().path("anonymised").size()
                        + " / " + e.getValue().path("kept").size());
            }
            w.line("Audit log entries with the person's details replaced: " + c.path("auditEntriesScrubbed").asInt());
            w.gap();
            w.heading("What was retained, and why");
            if (c.path("retained").isEmpty()) {
                w.line("  nothing");
            }
            for (JsonNode r : c.path("retained")) {
                String what = r.has("field") ? text(r, "object") + "." + text(r, "field") : text(r, "object") + " " + text(r, "record");
                w.wrapped("  " + what + ": " + text(r, "reason"));
            }
            w.gap();
            w.heading("Records, by id");
            for (Iterator<Map.Entry<String, JsonNode>> it = c.path("objects").properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                for (String key : List.of("deleted", "anonymised", "kept")) {
                    List<String> ids = new ArrayList<>();
                    e.getValue().path(key).forEach(n -> ids.add(n.asText()));
                    if (!ids.isEmpty()) {
                        w.wrapped("  " + e.getKey() + " " + key + ": " + String.join(" ", ids));
                    }
                }
            }
            w.gap();
            w.heading("Signature");
            JsonNode sig = c.path("signature");
            w.line(text(sig, "algorithm") + ", key " + text(sig, "keyFingerprint"));
            w.wrapped(text(sig, "value"));
            w.gap();
            w.heading("How to check this certificate");
            w.wrapped("The signed certificate is attached to this PDF as " + ATTACHMENT + ". Check the PDF or the attachment with"
                    + " 'hotcrm privacy verify FILE' on the instance that made it. Anyone can check the attachment with the"
                    + " instance's public key (GET /api/v1/privacy/public-key; its fingerprint is above): the Ed25519 signature"
                    + " covers the certificate without its \"signature\" member, as JSON with every object's keys sorted and no"
                    + " blanks, in UTF-8. A change of one character makes the check fail.");
            w.close();

            PDEmbeddedFile file = new PDEmbeddedFile(doc, new ByteArrayInputStream(json));
            file.setSubtype("application/json");
            file.setSize(json.length);
            PDComplexFileSpecification spec = new PDComplexFileSpecification();
            spec.setFile(ATTACHMENT);
            spec.setFileUnicode(ATTACHMENT);
            spec.setEmbeddedFile(file);
            spec.setFileDescription("The signed certificate (JSON)");
            PDEmbeddedFilesNameTreeNode tree = new PDEmbeddedFilesNameTreeNode();
            tree.setNames(Map.of(ATTACHMENT, spec));
            PDDocumentNameDictionary names = new PDDocumentNameDictionary(doc.getDocumentCatalog());
            names.setEmbeddedFiles(tree);
            doc.getDocumentCatalog().setNames(names);

            // the same id every time: the PDF's bytes depend on the certificate alone
            byte[] id = text(c, "request").getBytes(StandardCharsets.US_ASCII);
            COSArray ids = new COSArray();
            ids.add(new COSString(id));
            ids.add(new COSString(id));
            doc.getDocument().getTrailer().setItem(COSName.ID, ids);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the bytes are a PDF. */
    static boolean isPdf(byte[] bytes) {
        return bytes.length > 4 && bytes[0] == '%' && bytes[1] == 'P' && bytes[2] == 'D' && bytes[3] == 'F';
    }

    /** The certificate attached to a PDF, or null when it has none (or is no readable PDF). */
    static byte[] attached(byte[] pdf) {
        try (PDDocument doc = Loader.loadPDF(pdf)) {
            PDDocumentNameDictionary names = doc.getDocumentCatalog().getNames();
            if (names == null || names.getEmbeddedFiles() == null || names.getEmbeddedFiles().getNames() == null) {
                return null;
            }
            PDComplexFileSpecification spec = names.getEmbeddedFiles().getNames().get(ATTACHMENT);
            return spec == null || spec.getEmbeddedFile() == null ? null : spec.getEmbeddedFile().toByteArray();
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).asText("");
    }

    /** Lines of text down A4 pages, a new page when one is full; characters Helvetica cannot show become '?'. */
    private static final class Writer {
        private final PDDocument doc;
        private final PDType1Font regular;
        private final PDType1Font bold;
        private PDPageContentStream s;
        private float y;

        Writer(PDDocument doc, PDType1Font regular, PDType1Font bold) throws IOException {
            this.doc = doc;
            this.regular = regular;
            this.bold = bold;
            page();
        }

        private void page() throws IOException {
            if (s != null) {
                s.close();
            }
            PDPage p = new PDPage(PDRectangle.A4);
            doc.addPage(p);
            s = new PDPageContentStream(doc, p);
            y = PDRectangle.A4.getHeight() - MARGIN;
        }

        void line(String text) throws IOException {
            line(regular, SIZE, text);
        }

        void heading(String text) throws IOException {
            line(bold, 11, text);
        }

        /** One line, or as many as the text needs to fit the page's width (broken at blanks; continued lines indented). */
        void line(PDType1Font font, float size, String text) throws IOException {
            String rest = shown(text);
            String indent = rest.startsWith("  ") ? "      " : "    ";
            boolean first = true;
            while (!rest.isEmpty()) {
                String shown = first ? rest : indent + rest;
                int cut = shown.length();
                while (width(font, size, shown.substring(0, cut)) > PDRectangle.A4.getWidth() - 2 * MARGIN) {
                    int blank = shown.lastIndexOf(' ', cut - 1);
                    cut = blank > indent.length() + 1 ? blank : cut - 1;
                }
                print(font, size, shown.substring(0, cut));
                rest = shown.substring(cut).strip();
                first = false;
            }
        }

        private static float width(PDType1Font font, float size, String text) throws IOException {
            return font.getStringWidth(text) / 1000 * size;
        }

        private void print(PDType1Font font, float size, String text) throws IOException {
            if (y < MARGIN + LEADING) {
                page();
            }
            s.beginText();
            s.setFont(font, size);
            s.newLineAtOffset(MARGIN, y);
            s.showText(text);
            s.endText();
            y -= size > SIZE + 2 ? LEADING + 6 : LEADING;
        }

        void wrapped(String text) throws IOException {
            line(text);
        }

        void gap() {
            y -= LEADING / 2;
        }

        void close() throws IOException {
            s.close();
        }

        private static String shown(String text) {
            StringBuilder b = new StringBuilder(text.length());
            for (char ch : text.toCharArray()) {
                b.append(ch >= 32 && ch < 127 ? ch : '?');
            }
            return b.toString();
        }
    }
}
