/**
 * The object catalogue: which objects exist, their fields, field types and picklist values.
 * {@link io.hotcrm.metadata.Catalogue#standard()} loads the standard objects shipped with HotCRM
 * ({@code standard-objects.json}, format {@code hotcrm-catalogue/1}); custom fields are layered on top with
 * {@link io.hotcrm.metadata.Catalogue#withField}. {@link io.hotcrm.metadata.ValueConverter} turns API values
 * into typed field values with a problem per bad value.
 */
package io.hotcrm.metadata;
