/**
 * Background work: imports, exports, schedules and maintenance run as jobs. {@link io.hotcrm.jobs.Jobs} is
 * the front door; our own {@code hc_job} rows carry the state history and progress users see (done,
 * total, rate, ETA), while JobRunr, on the same database, distributes the work across every
 * {@code hotcrm serve} node, retries failures with exponential backoff and re-runs work orphaned by a node
 * that died. A {@link io.hotcrm.jobs.JobHandler} per job type does the work.
 */
package io.hotcrm.jobs;
