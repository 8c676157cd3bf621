/** The self-contained HTML safety report. */
package io.postcopysim.reports;
