/**
 * Telling people what happened: {@link io.hotcrm.notify.Notifier} emails a user through the configured SMTP
 * server (Jakarta Mail) and keeps every notice for the console, so nothing is lost without SMTP or when
 * delivery fails.
 */
package io.hotcrm.notify;
