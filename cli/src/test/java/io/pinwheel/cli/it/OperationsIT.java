package io.pinwheel.cli.it;

import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestClassOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator meets, against one running deployment on this machine ({@link RunningServe}: the
 * embedded broker, {@code serve} in its own JVM fed with photographs, and Prometheus scraping it
 * with the project's configuration): the live page in a real browser, then the dashboard's and
 * alert rules' queries in the real Prometheus, which has been scraping meanwhile.
 */
@Tag("integration")
@ExtendWith(RunningServe.Extension.class)
@TestClassOrder(ClassOrderer.OrderAnnotation.class)
class OperationsIT {

  @Nested
  @Order(1)
  class LivePage extends LivePageChecks {}

  @Nested
  @Order(2)
  class Prometheus extends PrometheusChecks {}
}
