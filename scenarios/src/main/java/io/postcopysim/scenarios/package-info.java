/** The YAML scenario schema and loader, the built-in catalog, the batch runner and results. */
package io.postcopysim.scenarios;
