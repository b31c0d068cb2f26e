/**
 * ObjectQL, the query API that is also the bulk export API. {@link io.hotcrm.query.ObjectQl#parse} reads the
 * canonical ({@code where}) and legacy ({@code filters}) JSON forms; {@link io.hotcrm.query.QueryEngine} runs a
 * {@link io.hotcrm.query.QueryRequest} through the access guard and returns pages with keyset cursors.
 */
package io.hotcrm.query;
