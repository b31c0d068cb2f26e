/**
 * Getting data out: ad-hoc exports of list views, reports and ObjectQL queries, and scheduled exports to
 * destinations. {@link io.hotcrm.exporting.Exporter} runs the query as the requesting user (export permission,
 * field-level security and record visibility apply) and streams the rows to a {@link io.hotcrm.exporting.RowFormat}
 * (CSV, Excel, JSON Lines, Parquet in {@code exporting.format}).
 */
package io.hotcrm.exporting;
