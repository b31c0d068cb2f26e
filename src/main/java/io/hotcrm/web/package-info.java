/**
 * The HTTP edge: {@link io.hotcrm.web.WebServer} serves the REST API ({@code /api/v1}) and the web console
 * with Javalin, authenticates callers (API tokens, session cookies with CSRF tokens) and maps
 * {@code HotCrmException} to problem JSON. It calls feature front doors only.
 */
package io.hotcrm.web;
