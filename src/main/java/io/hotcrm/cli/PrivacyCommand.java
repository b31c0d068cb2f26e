package io.hotcrm.cli;

import io.hotcrm.privacy.Findings;
import io.hotcrm.privacy.Identifiers;
import io.hotcrm.privacy.PrivacyRequest;
import io.hotcrm.privacy.PrivacyRequests;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code hotcrm privacy …}: data-subject requests (see docs/privacy.md) — a request received and moved through its
 * life ({@code request create|show|verify|deny|extend|assign}), approved, and everything about its person found.
 */
@Command(name = "privacy", description = "Data-subject requests (GDPR): request create|show|verify|send-link|deny|extend|assign, approve, find,"
        + " preview, run, export, certificate, verify, hold, release, holds, list (see docs/privacy.md).",
        subcommands = {PrivacyCommand.Request.class, PrivacyCommand.Approve.class, PrivacyCommand.Find.class, PrivacyCommand.Preview.class,
                PrivacyCommand.RunErasure.class, PrivacyCommand.Export.class, PrivacyCommand.CertificateOut.class, PrivacyCommand.VerifyCertificate.class,
                PrivacyCommand.HoldRecord.class, PrivacyCommand.Release.class, PrivacyCommand.Holds.class, PrivacyCommand.ListRequests.class})
final class PrivacyCommand {
    @ParentCommand
    Cli cli;

    PrivacyRequests requests() {
        return cli.platform().privacy();
    }

    static void print(Cli cli, PrivacyRequest r, boolean json) {
        if (json) {
            cli.out.println(Output.json(r));
            return;
        }
        cli.out.println("Request " + r.id() + " (" + r.kind() + "): " + r.state());
        String who = r.email() != null ? r.email() : r.phone() != null ? r.phone() : r.recordObject() == null ? "(cleared once done)"
                : r.recordObject() + " " + r.recordId();
        cli.out.println("About:    " + who + (r.email() != null && r.phone() != null ? ", " + r.phone() : ""));
        cli.out.println("Received: " + r.receivedAt());
        cli.out.println("Due:      " + r.dueAt() + (r.extendedDays() > 0 ? " (extended by " + r.extendedDays() + " days: "
                + r.extensionReason() + ")" : ""));
        if (r.assignee() != null) {
            cli.out.println("Assignee: " + r.assignee());
        }
    }

    @Command(name = "request", description = "A request's life: create, show, verify, send-link, deny, extend, assign.",
            subcommands = {Create.class, Show.class, Verify.class, SendLink.class, Deny.class, Extend.class, Assign.class})
    static final class Request {
        @ParentCommand
        PrivacyCommand parent;
    }

    @Command(name = "create", description = "Record a request: hotcrm privacy request create --email E [--phone P] [--contact ID | --lead ID]"
            + " [--kind erasure|access|portability|rectification].")
    static final class Create implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Option(names = "--email", description = "The person's email.")
        String email;

        @Option(names = "--phone", description = "The person's phone number (compared by its digits).")
        String phone;

        @Option(names = "--contact", paramLabel = "ID", description = "The person's contact record.")
        UUID contact;

        @Option(names = "--lead", paramLabel = "ID", description = "The person's lead record.")
        UUID lead;

        @Option(names = "--kind", defaultValue = "erasure", description = "erasure (default), access, portability or rectification.")
        String kind;

        @Option(names = "--json", description = "Print the request as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.parent.cli;
            Identifiers who = new Identifiers(email, phone, contact != null ? "contact" : lead != null ? "lead" : null,
                    contact != null ? contact : lead);
            PrivacyRequest r = parent.parent.requests().create(cli.actor(), kind, who);
            print(cli, r, json);
            if (!json) {
                cli.out.println("Next: verify who asks (hotcrm privacy request verify " + r.id() + " --note \"…\"), then"
                        + " hotcrm privacy find " + r.id());
            }
            return 0;
        }
    }

    @Command(name = "show", description = "A request with its history.")
    static final class Show implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--json", description = "Print it as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Cli cli = parent.parent.cli;
            PrivacyRequest r = parent.parent.requests().get(cli.actor(), id);
            List<PrivacyRequest.Event> history = parent.parent.requests().history(cli.actor(), id);
            if (json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("request", r);
                out.put("history", history);
                cli.out.println(Output.json(out));
                return 0;
            }
            print(cli, r, false);
            cli.out.println("History:");
            for (PrivacyRequest.Event e : history) {
                cli.out.println("  " + e.at() + "  " + (e.from() == null ? "" : e.from() + " → ") + e.to() + "  by " + e.actor()
                        + (e.note() == null ? "" : ": " + e.note()));
            }
            return 0;
        }
    }

    @Command(name = "verify", description = "Record that the person's identity was verified, and how (--note).")
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--note", required = true, description = "How the identity was verified.")
        String note;

        @Option(names = "--json", description = "Print the request as JSON.")
        boolean json;

        @Override
        public Integer call() {
            print(parent.parent.cli, parent.parent.requests().verify(parent.parent.cli.actor(), id, note), json);
            return 0;
        }
    }

    @Command(name = "send-link", description = "Email the request's address a single-use link that confirms the request when"
            + " followed within 24 hours.")
    static final class SendLink implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--base-url", required = true, paramLabel = "URL", description = "This HotCRM's address, as the person reaches it.")
        String baseUrl;

        @Override
        public Integer call() {
            java.time.Instant expires = parent.parent.requests().sendVerification(parent.parent.cli.actor(), id, baseUrl);
            parent.parent.cli.out.println("Emailed a confirmation link to the address on request " + id + "; it works once, until "
                    + expires + ".");
            return 0;
        }
    }

    @Command(name = "deny", description = "Refuse a request, with the reason the person is owed (--reason).")
    static final class Deny implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--reason", required = true)
        String reason;

        @Option(names = "--json", description = "Print the request as JSON.")
        boolean json;

        @Override
        public Integer call() {
            print(parent.parent.cli, parent.parent.requests().deny(parent.parent.cli.actor(), id, reason), json);
            return 0;
        }
    }

    @Command(name = "extend", description = "Extend the deadline once, by at most 60 days, with the reason.")
    static final class Extend implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--days", required = true)
        int days;

        @Option(names = "--reason", required = true)
        String reason;

        @Option(names = "--json", description = "Print the request as JSON.")
        boolean json;

        @Override
        public Integer call() {
            print(parent.parent.cli, parent.parent.requests().extend(parent.parent.cli.actor(), id, days, reason), json);
            return 0;
        }
    }

    @Command(name = "assign", description = "Who handles the request.")
    static final class Assign implements Callable<Integer> {
        @ParentCommand
        Request parent;

        @Parameters(index = "0", paramLabel = "ID")
        UUID id;

        @Parameters(index = "1", paramLabel = "EMAIL")
        String assignee;

        @Override
        public Integer call() {
            print(parent.parent.cli, parent.parent.requests().assign(parent.parent.cli.actor(), id, assignee), false);
            return 0;
        }
    }

    @Command(name = "approve", description = "Approve a verified request so it may run.")
    static final class Approve implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--note")
        String note;

        @Option(names = "--json", description = "Print the request as JSON.")
        boolean json;

        @Override
        public Integer call() {
            print(parent.cli, parent.requests().approve(parent.cli.actor(), id, note), json);
            return 0;
        }
    }

    @Command(name = "find", description = "Everything HotCRM holds about the request's person: their records, linked records,"
            + " mentions of their email in text (for review), audit entries.")
    static final class Find implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--json", description = "Print the findings as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Findings f = parent.requests().find(parent.cli.actor(), id);
            if (json) {
                parent.cli.out.println(Output.json(f));
                return 0;
            }
            section(parent.cli, "The person's records", f.subjects());
            section(parent.cli, "Linked records", f.linked());
            section(parent.cli, "Mentions of the email in text (review them)", f.mentions());
            parent.cli.out.println("Audit log entries: " + f.audit().size());
            parent.cli.out.println("Copies outside the records (imports, uploads, export files): " + f.copies().size());
            for (Findings.Copy c : f.copies()) {
                parent.cli.out.println("  " + c.kind() + " " + c.id() + "  " + c.label() + "  " + c.where() + "  ("
                        + String.join(", ", c.parts()) + (c.rows() >= 0 ? "; " + c.rows() + " rows" : "") + ")");
            }
            return 0;
        }

        private static void section(Cli cli, String title, List<Findings.Hit> hits) {
            cli.out.println(title + ": " + hits.size());
            for (Findings.Hit h : hits) {
                cli.out.println("  " + h.object() + " " + h.id() + "  " + h.label() + "  (" + h.why() + ")");
            }
        }
    }

    @Command(name = "preview", description = "What an erasure would do: every record and field it touches (no values).")
    static final class Preview implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--action", defaultValue = "anonymise", description = "anonymise (default) or delete.")
        String action;

        @Option(names = "--json", description = "Print the changes as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<PrivacyRequests.Change> changes = parent.requests().preview(parent.cli.actor(), id, action);
            if (json) {
                parent.cli.out.println(Output.json(changes));
                return 0;
            }
            parent.cli.out.println("An erasure (" + action + ") would touch " + changes.size() + " records:");
            for (PrivacyRequests.Change c : changes) {
                parent.cli.out.println("  " + c.action() + "  " + c.object() + " " + c.id() + "  (" + c.why() + ")");
                c.fields().forEach((f, what) -> parent.cli.out.println("      " + f + ": " + what));
            }
            return 0;
        }
    }

    @Command(name = "run", description = "Run an approved erasure: delete or anonymise everything found about the person.")
    static final class RunErasure implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--action", defaultValue = "anonymise", description = "anonymise (default: records kept for reports,"
                + " the person's data replaced) or delete (the person's records deleted for good).")
        String action;

        @Option(names = "--json", description = "Print the counts as JSON.")
        boolean json;

        @Override
        public Integer call() {
            Map<String, int[]> counts = parent.requests().run(parent.cli.actor(), id, action);
            if (json) {
                Map<String, Map<String, Integer>> out = new LinkedHashMap<>();
                counts.forEach((o, k) -> out.put(o, Map.of("deleted", k[0], "anonymised", k[1], "kept", k[2])));
                parent.cli.out.println(Output.json(Map.of("id", id, "state", "done", "objects", out)));
                return 0;
            }
            parent.cli.out.println("Request " + id + " is done (" + action + "):");
            counts.forEach((o, k) -> parent.cli.out.println("  " + o + ": " + k[0] + " deleted, " + k[1] + " anonymised, " + k[2] + " kept"));
            return 0;
        }
    }

    @Command(name = "export", description = "Hand the person their data: a ZIP of JSON and CSV per object, their files, and a"
            + " SHA-256 manifest, written to --output.")
    static final class Export implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--output", required = true, paramLabel = "FILE.zip")
        java.nio.file.Path output;

        @Override
        public Integer call() throws Exception {
            java.nio.file.Path dir = output.toAbsolutePath().getParent();
            java.nio.file.Path part = java.nio.file.Files.createTempFile(dir, ".privacy-", ".zip.part");
            int[] n;
            try {
                try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(part)) {
                    n = parent.requests().export(parent.cli.actor(), id, out);
                }
                java.nio.file.Files.move(part, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                java.nio.file.Files.deleteIfExists(part);
            }
            parent.cli.out.println("Wrote " + n[0] + " records and " + n[1] + " files to " + output + " (manifest.json holds each"
                    + " entry's SHA-256).");
            return 0;
        }
    }

    @Command(name = "certificate", description = "Write the signed certificate of a done erasure to --output: JSON, or a PDF"
            + " to hand the person (a FILE ending in .pdf, or --format pdf).")
    static final class CertificateOut implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "ID")
        UUID id;

        @Option(names = "--output", required = true, paramLabel = "FILE")
        java.nio.file.Path output;

        @Option(names = "--format", paramLabel = "json|pdf", description = "json or pdf (default: pdf when FILE ends in .pdf).")
        String format;

        @Override
        public Integer call() throws Exception {
            String f = format != null ? format.strip().toLowerCase(java.util.Locale.ROOT)
                    : output.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".pdf") ? "pdf" : "json";
            if (!f.equals("pdf") && !f.equals("json")) {
                throw io.hotcrm.common.HotCrmException.invalid("A certificate is written as json or pdf, not \"" + format + "\".");
            }
            byte[] bytes = f.equals("pdf") ? parent.requests().certificatePdf(parent.cli.actor(), id)
                    : parent.requests().certificate(parent.cli.actor(), id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Path temp = output.resolveSibling("." + output.getFileName() + ".part");
            java.nio.file.Files.write(temp, bytes);
            java.nio.file.Files.move(temp, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            parent.cli.out.println("Wrote the certificate of request " + id + " to " + output + "; check it with: hotcrm privacy verify "
                    + output);
            return 0;
        }
    }

    @Command(name = "verify", description = "Check a certificate: signed by this instance's key and unchanged (exit 0), or not (exit 1).")
    static final class VerifyCertificate implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(paramLabel = "FILE")
        java.nio.file.Path file;

        @Override
        public Integer call() throws Exception {
            if (!java.nio.file.Files.isRegularFile(file)) {
                throw io.hotcrm.common.HotCrmException.invalid("There is no file " + file + ".");
            }
            PrivacyRequests.Verification v = parent.requests().verify(java.nio.file.Files.readAllBytes(file));
            if (v.valid()) {
                parent.cli.out.println("Valid: the certificate of request " + v.request() + " is " + v.reason() + ".");
                return 0;
            }
            parent.cli.out.println("NOT valid: " + file + " — " + v.reason() + ".");
            return 1;
        }
    }

    @Command(name = "hold", description = "Put a record under a legal hold: erasures list it with the reason and keep it.")
    static final class HoldRecord implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(index = "0", paramLabel = "OBJECT")
        String object;

        @Parameters(index = "1", paramLabel = "ID")
        UUID id;

        @Option(names = "--reason", required = true, description = "The legal ground (e.g. \"invoices kept 10 years (tax law)\").")
        String reason;

        @Override
        public Integer call() {
            PrivacyRequests.Hold h = parent.requests().hold(parent.cli.actor(), object, id, reason);
            parent.cli.out.println("The " + h.object() + " " + h.record() + " is under a legal hold: " + h.reason());
            return 0;
        }
    }

    @Command(name = "release", description = "Lift a record's legal hold.")
    static final class Release implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Parameters(index = "0", paramLabel = "OBJECT")
        String object;

        @Parameters(index = "1", paramLabel = "ID")
        UUID id;

        @Override
        public Integer call() {
            parent.requests().release(parent.cli.actor(), object, id);
            parent.cli.out.println("Lifted the legal hold on the " + object + " " + id + ".");
            return 0;
        }
    }

    @Command(name = "holds", description = "Every record under a legal hold, with its reason.")
    static final class Holds implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Option(names = "--json", description = "Print them as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<PrivacyRequests.Hold> all = parent.requests().holds(parent.cli.actor());
            if (json) {
                parent.cli.out.println(Output.json(all));
                return 0;
            }
            all.forEach(h -> parent.cli.out.println(h.object() + " " + h.record() + "  " + h.reason() + "  (" + h.by() + ", " + h.at() + ")"));
            if (all.isEmpty()) {
                parent.cli.out.println("No record is under a legal hold.");
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Every request, newest first, with its state and due date.")
    static final class ListRequests implements Callable<Integer> {
        @ParentCommand
        PrivacyCommand parent;

        @Option(names = "--json", description = "Print them as JSON.")
        boolean json;

        @Override
        public Integer call() {
            List<PrivacyRequest> all = parent.requests().list(parent.cli.actor());
            if (json) {
                parent.cli.out.println(Output.json(all));
                return 0;
            }
            if (all.isEmpty()) {
                parent.cli.out.println("No privacy requests yet: hotcrm privacy request create --email E --kind erasure");
            }
            for (PrivacyRequest r : all) {
                parent.cli.out.println(r.id() + "  " + r.kind() + "  " + r.state() + "  due " + r.dueAt());
            }
            return 0;
        }
    }
}
