/** Fault kinds, failure points, the enumerator, fault injection and the safety oracle. */
package io.postcopysim.faults;
