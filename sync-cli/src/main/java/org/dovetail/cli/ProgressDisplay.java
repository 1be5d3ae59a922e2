package org.dovetail.cli;

import java.text.DecimalFormat;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;
import org.dovetail.engine.sync.SyncProgress;

/**
 * A progress bar on stderr while a sync runs, drawn only when stderr is a terminal (so never in
 * cron): one per table and direction with the number of changes to send known up front, so it
 * shows the percentage, rows per second and the time left; the bar library redraws it in place
 * and erases it when the pass is done, so the summary lines stand alone.
 */
final class ProgressDisplay implements SyncProgress, AutoCloseable {
    /** A new consumer per bar (a bar closes its consumer); null when nothing is drawn. */
    private final Supplier<ProgressBarConsumer> consumer;
    private ProgressBar bar;
    private Erasing screen;

    private ProgressDisplay(Supplier<ProgressBarConsumer> consumer) {
        this.consumer = consumer;
    }

    static ProgressDisplay forTerminal(boolean wanted) {
        boolean terminal = wanted && System.console() != null && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM"));
        return new ProgressDisplay(terminal ? () -> new ConsoleProgressBarConsumer(System.err) : null);
    }

    /** A display drawing into the consumers {@code consumer} makes (tests). */
    static ProgressDisplay into(Supplier<ProgressBarConsumer> consumer) {
        return new ProgressDisplay(consumer);
    }

    @Override
    public boolean wantsTotals() {
        return consumer != null;
    }

    @Override
    public synchronized void starting(String table, boolean push, long changes) {
        close();
        if (consumer == null || changes == 0) {
            return;
        }
        bar = new ProgressBarBuilder().setTaskName(table + (push ? " push" : " pull")).setInitialMax(changes)
                .setUnit(" rows", 1).showSpeed(new DecimalFormat("#,##0")).setSpeedUnit(ChronoUnit.SECONDS)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setConsumer(screen = new Erasing(consumer.get()))
                .clearDisplayOnFinish().build();
    }

    @Override
    public synchronized void processed(String table, long rows) {
        if (bar != null) {
            // echoes and held rows are read too: never past the end
            bar.stepBy(Math.min(rows, Math.max(0, bar.getMax() - bar.getCurrent())));
        }
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            screen.eraseIfLeft();
            bar = null;
        }
    }

    /**
     * The bar's screen, erased once the bar is closed. The bar library erases a finished bar only
     * when its first draw happened before {@code close}; a pass that ends within a few
     * milliseconds closes the bar before that, and its last line would stay on the terminal.
     * {@link ProgressBar#close()} waits for the library's last draw, so after it returns this
     * knows whether the erase happened.
     */
    private static final class Erasing implements ProgressBarConsumer {
        private final ProgressBarConsumer screen;
        private volatile boolean closed;

        Erasing(ProgressBarConsumer screen) {
            this.screen = screen;
        }

        @Override
        public int getMaxRenderedLength() {
            return screen.getMaxRenderedLength();
        }

        @Override
        public void accept(String rendered) {
            screen.accept(rendered);
        }

        @Override
        public void clear() {
            screen.clear();
        }

        @Override
        public void close() {
            closed = true;
            screen.close();
        }

        void eraseIfLeft() {
            if (!closed) {
                clear();
                close();
            }
        }
    }
}
