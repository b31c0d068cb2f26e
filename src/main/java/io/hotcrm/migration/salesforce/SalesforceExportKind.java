package io.hotcrm.migration.salesforce;

import io.hotcrm.common.HotCrmException;
import io.hotcrm.files.FileStore;
import io.hotcrm.migration.CrmSource;
import io.hotcrm.migration.SourceKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Salesforce org's weekly Data Export as a source ({@code salesforce-export}): the export's ZIP files, uploaded and
 * kept in the file store for the connection, and the encoding its CSVs were written in (UTF-8 or ISO-8859-1; found
 * out when not given). No sign-in: everything is in the files.
 */
public final class SalesforceExportKind implements SourceKind {
    public static final String KIND = "salesforce-export";
    /** The export's ZIP files: upload ids when connecting, the kept copies' file store keys after. */
    public static final String FILES = "files";
    public static final String ENCODING = "encoding";
    /** The export the connection read before this one (kept when a newer export is connected): what it had more was deleted. */
    public static final String FILES_BEFORE = FILES + "Before";

    private final FileStore files;

    public SalesforceExportKind(FileStore files) {
        this.files = files;
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public Set<String> secretSettings() {
        return Set.of();
    }

    @Override
    public Set<String> fileSettings() {
        return Set.of(FILES);
    }

    @Override
    public void check(Map<String, String> settings) {
        if (settings.getOrDefault(FILES, "").isBlank()) {
            throw HotCrmException.invalid("A Data Export connection needs the export's ZIP files (--file WE_…_1.ZIP, once per"
                    + " file): every part Salesforce's Data Export page offers.");
        }
        ExportArchive.encoding(settings.get(ENCODING));
    }

    @Override
    public CrmSource open(Map<String, String> settings, SettingsSaver saver) {
        check(settings);
        ExportArchive archive = archive(settings.get(FILES), settings.get(ENCODING));
        String before = settings.get(FILES_BEFORE);
        try {
            return new SalesforceExportSource(archive, before == null || before.isBlank() ? null : archive(before, settings.get(ENCODING)));
        } catch (RuntimeException e) {
            archive.close();
            throw e;
        }
    }

    /** The ZIP files of the keys (comma-separated) as one export. */
    private ExportArchive archive(String keys, String encoding) {
        List<FileStore.LocalCopy> copies = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try {
            for (String key : keys.split(",")) {
                FileStore.LocalCopy c = files.local(key.strip());
                copies.add(c);
                paths.add(c.path());
                names.add(key.substring(key.lastIndexOf('/') + 1).strip());
            }
            return new ExportArchive(paths, names, ExportArchive.encoding(encoding), copies);
        } catch (RuntimeException e) {
            copies.forEach(FileStore.LocalCopy::close);
            throw e;
        }
    }

    @Override
    public String authorizeUrl(Map<String, String> settings, String redirectUri, String state, String codeChallenge) {
        throw HotCrmException.invalid("A Data Export needs no sign-in: its files hold the org.");
    }

    @Override
    public Map<String, String> exchangeCode(Map<String, String> settings, String code, String redirectUri, String codeVerifier) {
        throw HotCrmException.invalid("A Data Export needs no sign-in: its files hold the org.");
    }
}
