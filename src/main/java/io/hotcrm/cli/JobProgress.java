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
final class JobProgress implements Consumer<Job>, AutoCloseable {
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
        if (task == null) {
            return;
        }
        if (bar == null && job.total() != null) {
            bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(job.total()).setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(System.err))
                    .showSpeed().build();
        }
        if (bar != null) {
            if (job.total() != null && job.total() != bar.getMax()) {
                bar.maxHint(job.total());
            }
            bar.stepTo(job.done());
            if (job.message() != null) {
                bar.setExtraMessage(" " + job.message());
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
