/**
 * Running on a secured cluster: the ACLs each role of pinwheel needs ({@link
 * io.pinwheel.topology.security.PinwheelAcls}) and refusals by the cluster explained in words that
 * name the cause ({@link io.pinwheel.topology.security.SecurityFailure}).
 */
package io.pinwheel.topology.security;
