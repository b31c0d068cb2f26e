package io.hotcrm.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hotcrm.jobs.JobContext;
import io.hotcrm.jobs.JobHandler;
import io.hotcrm.metadata.ObjectDef;
import io.hotcrm.security.Principal;
import io.hotcrm.security.Security;
import io.hotcrm.store.RecycleBin;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

/**
 * The {@code recycle-bin-purge} job: permanently deletes records that have been in the recycle bin longer
 * than the request says, acting as the user who asked. Progress counts records; the result lists what was
 * purged per object.
 */
final class RecycleBinPurgeJob implements JobHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RecycleBin bin;
    private final Security security;

    RecycleBinPurgeJob(RecycleBin bin, Security security) {
        this.bin = bin;
        this.security = security;
    }

    @Override
    public String type() {
        return RecycleBin.PURGE_JOB;
    }

    @Override
    public String run(JobContext ctx) {
        RecycleBin.PurgeRequest request = RecycleBin.PurgeRequest.parse(ctx.payload());
        Principal who = Principal.SYSTEM_EMAIL.equals(ctx.createdBy()) ? Principal.system()
                : security.users().principal(ctx.createdBy());
        OffsetDateTime cutoff = OffsetDateTime.now(ZoneOffset.UTC).minusDays(request.olderThanDays());
        List<ObjectDef> objects = bin.objects(who, request.objects());
        Map<String, Long> counts = bin.count(who, objects, cutoff);
        ctx.total(counts.values().stream().mapToLong(Long::longValue).sum());
        ObjectNode result = JSON.createObjectNode();
        ObjectNode purged = result.putObject("purged");
        for (ObjectDef o : objects) {
            if (!counts.containsKey(o.name())) {
                continue;
            }
            ctx.checkCancelled();
            ctx.message("Purging " + o.pluralLabel());
            int n = bin.purge(who, o, cutoff);
            purged.put(o.name(), n);
            ctx.advance(n);
        }
        result.put("cutoff", cutoff.withNano(0).toString());
        result.put("total", ctx.done());
        ctx.message("Purged " + ctx.done() + " record(s) deleted before " + cutoff.withNano(0));
        return result.toString();
    }
}
