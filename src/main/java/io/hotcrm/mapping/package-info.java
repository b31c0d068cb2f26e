/**
 * From a file's columns to a record's fields: suggestions per column ({@link io.hotcrm.mapping.MappingSuggester}),
 * the mapping a user confirms ({@link io.hotcrm.mapping.Mapping}: columns, lookup keys, constants, formats,
 * unknown-value policies), saved mappings, and the conversion of text values into typed field values with a
 * problem that names the row, the column, the value and the expected form
 * ({@link io.hotcrm.mapping.CompiledMapping}).
 */
package io.hotcrm.mapping;
