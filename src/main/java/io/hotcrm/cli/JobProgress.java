package io.hotcrm.cli;

import io.hotcrm.jobs.Job;
import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar for a job run by a command, on stderr, only when stderr is a terminal (scripts and pipes
 * get no animation). Shows done / total, the rate and the ETA as the job reports them.
 */
final class JobProgress implements Consumer<Job>, io.hotcrm.common.Work.Progress, AutoCloseable {
    private final String task;
    private ProgressBar bar;

    private JobProgress(String task) {
        this.task = task;
    }

    /** A listener for {@code Jobs.runHere}: a bar on a terminal, nothing otherwise. */
    static JobProgress forTerminal(String task) {
        return new JobProgress(System.console() != null ? task : null);
    }

    @Override
    public void accept(Job job) {
        update(job.done(), job.total(), job.message());
    }

    @Override
    public void update(long done, Long total, String message) {
        if (task == null) {
            return;
        }
        if (bar == null && total != null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .showSpeed().build();
        }
        if (bar != null) {
            if (total != null && total != bar.getMax()) {
                bar.maxHint(total);
            }
            bar.stepTo(done);
            if (message != null) {
                bar.setExtraMessage(" " + message);
            }
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
