/**
 * The {@code hotcrm} command line ({@link io.hotcrm.cli.Cli}), built with picocli. Commands call feature front
 * doors through {@link io.hotcrm.cli.Platform}, which the composition root provides; failures become one line
 * on stderr and a documented exit code.
 */
package io.hotcrm.cli;
