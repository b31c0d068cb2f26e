package io.hotcrm.migration;

import io.hotcrm.common.ErrorCode;
import io.hotcrm.common.HotCrmException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work a run hands to other threads (reads ahead, file copies, reconcile checks). */
public final class Waits {
    private Waits() {
    }

    /**
     * The work's result; its failure is thrown as it was; an interrupt says what stopped ({@code "reading from the
     * source"}).
     */
    public static <T> T await(Future<T> f, String what) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HotCrmException(ErrorCode.UNAVAILABLE, "Stopped while " + what + ".", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        }
    }
}
