package io.hotcrm.jobs;

import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.jobs.filters.ApplyStateFilter;

/**
 * Keeps our job rows in step with what JobRunr decides without our code running: work orphaned by a node
 * that died is retried on another node while attempts are left (JobRunr fails it, then its retry filter
 * schedules it again) and failed for good when none are; a job deleted in JobRunr is cancelled. Failures
 * inside our own code are recorded by {@link Jobs#execute} already; these transitions are then no-ops.
 */
final class JobRunrStates implements ApplyStateFilter {
    private final Jobs jobs;

    JobRunrStates(Jobs jobs) {
        this.jobs = jobs;
    }

    @Override
    public void onStateApplied(Job job, JobState oldState, JobState newState) {
        if (!job.getJobDetails().getClassName().equals(JobWorker.class.getName())
                || !job.getJobDetails().getMethodName().equals("execute")) {
            return;
        }
        StateName to = newState.getName();
        if (to == StateName.FAILED) {
            // our own code records its failures before JobRunr's FAILED arrives (the job is then no longer
            // running here); a job still running failed because JobRunr found it orphaned: its node died
            jobs.orphaned(job.getId());
        } else if (to == StateName.DELETED) {
            jobs.deletedInJobRunr(job.getId());
        }
    }
}
