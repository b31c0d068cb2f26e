package io.hotcrm.jobs;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;

/** Thrown by {@link JobContext#checkCancelled()} to unwind a job whose cancellation was requested. */
public final class JobCancelledException extends HotCrmException {
    JobCancelledException(String message) {
        super(ErrorCode.CONFLICT, message);
    }
}
