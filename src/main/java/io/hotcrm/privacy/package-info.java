/**
 * Data-subject requests (GDPR): a request's life and history, discovery of everything HotCRM holds about a person,
 * and (next) its hand-over, erasure, signed certificate and erasure ledger. {@link io.hotcrm.privacy.PrivacyRequests}
 * is the front door the CLI, REST and the console call.
 */
package io.hotcrm.privacy;
