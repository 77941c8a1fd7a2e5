/**
 * What every trainer shares: Adam, the learning-rate schedule, seeded batch orders, a bound on
 * SameDiff's native garbage, and building SameDiff gradients without its console output.
 */
package io.pinwheel.trainer.optim;
