package org.dovetail.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.dovetail.engine.sync.SyncProgress;

/**
 * A progress bar on stderr while a sync runs, drawn only when stderr is a terminal (so
 * never in cron); the bar library redraws it in place.
 */
final class ProgressDisplay implements SyncProgress, AutoCloseable {
    private final boolean enabled;
    private ProgressBar bar;

    private ProgressDisplay(boolean enabled) {
        this.enabled = enabled;
    }

    static ProgressDisplay forTerminal(boolean wanted) {
        return new ProgressDisplay(wanted && System.console() != null && System.getenv("TERM") != null
                && !"dumb".equals(System.getenv("TERM")));
    }

    @Override
    public synchronized void processed(String table, long rows) {
        if (!enabled) {
            return;
        }
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName("sync").setInitialMax(-1).setUnit(" rows", 1)
                    .setStyle(ProgressBarStyle.ASCII).continuousUpdate().setUpdateIntervalMillis(250).build();
        }
        bar.setExtraMessage(table);
        bar.stepBy(rows);
    }

    @Override
    public synchronized void close() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
