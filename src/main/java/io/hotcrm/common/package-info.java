/**
 * Small shared values used by every feature: {@link io.hotcrm.common.HotCrmException} with its
 * {@link io.hotcrm.common.ErrorCode}, per-field {@link io.hotcrm.common.Problem}s, and time-ordered record ids
 * ({@link io.hotcrm.common.Ids}). It imports nothing but the JDK.
 */
package io.hotcrm.common;
