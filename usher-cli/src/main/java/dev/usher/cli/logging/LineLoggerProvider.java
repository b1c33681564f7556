package dev.usher.cli.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The logging backend of the {@code usher} command (found by SLF4J through ServiceLoader). Why our
 * own rather than logback: Usher needs exactly two line formats, one of them JSON with the request id
 * and the event's fields at the top level, and fixed levels (Usher at INFO, the libraries only when
 * something is wrong); that is a page of code, against two jars and an XML configuration whose JSON
 * encoder nests everything under its own names.
 */
public final class LineLoggerProvider implements SLF4JServiceProvider {

    /** Libraries speak up only when something is wrong; everything else logs from INFO up. */
    private static final Map<String, Level> QUIET = Map.of(
            "org.flywaydb", Level.WARN, "com.zaxxer.hikari", Level.WARN, "org.eclipse.jetty", Level.WARN, "io.javalin", Level.WARN);

    private final Map<String, LineLogger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, n -> new LineLogger(n, levelOf(n)));
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    static Level levelOf(String logger) {
        for (var e : QUIET.entrySet()) {
            if (logger.equals(e.getKey()) || logger.startsWith(e.getKey() + ".")) {
                return e.getValue();
            }
        }
        return Level.INFO;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to read: levels are fixed, the format comes from USHER_LOG_FORMAT or --log-format
    }
}
