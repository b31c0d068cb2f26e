/**
 * The composition root. {@link io.hotcrm.app.Main} reads the command line, {@link io.hotcrm.app.Config} the
 * settings, and {@link io.hotcrm.app.HotCrm} opens the database and wires every feature's front door. Nothing
 * imports this package.
 */
package io.hotcrm.app;
