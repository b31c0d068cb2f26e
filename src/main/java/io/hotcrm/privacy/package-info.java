/**
 * Data-subject requests (GDPR): a request's life and history, discovery of everything HotCRM holds about a person
 * (records, links, mentions, copies in imports and exports), hand-over, erasure, the signed certificate (JSON and PDF)
 * and the erasure ledger a restore replays. {@link io.hotcrm.privacy.PrivacyRequests} is the front door the CLI, REST
 * and the console call.
 */
package io.hotcrm.privacy;
