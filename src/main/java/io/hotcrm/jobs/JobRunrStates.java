package io.hotcrm.jobs;

import java.util.Set;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.states.JobState;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.jobs.filters.ApplyStateFilter;

/**
 * Keeps our job rows in step with what JobRunr decides without our code running: work orphaned by a node
 * that died is scheduled for a retry (or failed for good when out of attempts), and a job deleted in JobRunr
 * is cancelled. Failures inside our own code are recorded by {@link Jobs#execute} already; these
 * transitions are then no-ops.
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
        Set<io.hotcrm.jobs.JobState> active = Set.of(io.hotcrm.jobs.JobState.RUNNING);
        if (to == StateName.SCHEDULED && oldState != null && oldState.getName() == StateName.FAILED) {
            jobs.transition(job.getId(), active, io.hotcrm.jobs.JobState.RETRYING,
                    "The node running it stopped; retrying on another node");
        } else if (to == StateName.FAILED) {
            jobs.transition(job.getId(), active, io.hotcrm.jobs.JobState.FAILED,
                    "The node running it stopped and no attempts are left");
        } else if (to == StateName.DELETED) {
            jobs.transition(job.getId(), Set.of(io.hotcrm.jobs.JobState.QUEUED, io.hotcrm.jobs.JobState.RETRYING,
                    io.hotcrm.jobs.JobState.RUNNING), io.hotcrm.jobs.JobState.CANCELLED, "Deleted in the job server");
        }
    }
}
