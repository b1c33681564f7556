package dev.usher.cli.logging;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.LoggingEventAware;

import java.io.Serial;

/** A logger that writes through {@link LogLines}; key-value pairs of the fluent API reach the JSON format. */
final class LineLogger extends LegacyAbstractLogger implements LoggingEventAware {

    @Serial
    private static final long serialVersionUID = 1L;

    private final int threshold;

    LineLogger(String name, Level threshold) {
        this.name = name;
        this.threshold = threshold.toInt();
    }

    private boolean enabled(Level level) {
        return level.toInt() >= threshold;
    }

    @Override
    public boolean isTraceEnabled() {
        return enabled(Level.TRACE);
    }

    @Override
    public boolean isDebugEnabled() {
        return enabled(Level.DEBUG);
    }

    @Override
    public boolean isInfoEnabled() {
        return enabled(Level.INFO);
    }

    @Override
    public boolean isWarnEnabled() {
        return enabled(Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return enabled(Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments, Throwable throwable) {
        LogLines.write(System.currentTimeMillis(), level, name, Thread.currentThread().getName(),
                MessageFormatter.basicArrayFormat(pattern, arguments), null, throwable);
    }

    @Override
    public void log(LoggingEvent event) {
        if (!enabled(event.getLevel())) {
            return;
        }
        Object[] args = event.getArgumentArray();
        Throwable thrown = event.getThrowable();
        if (thrown == null) {
            thrown = MessageFormatter.getThrowableCandidate(args);
            if (thrown != null) {
                args = MessageFormatter.trimmedCopy(args);
            }
        }
        LogLines.write(event.getTimeStamp() > 0 ? event.getTimeStamp() : System.currentTimeMillis(), event.getLevel(), name,
                event.getThreadName() != null ? event.getThreadName() : Thread.currentThread().getName(),
                MessageFormatter.basicArrayFormat(event.getMessage(), args), event.getKeyValuePairs(), thrown);
    }
}
