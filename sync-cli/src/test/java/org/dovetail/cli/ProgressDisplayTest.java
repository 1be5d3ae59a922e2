package org.dovetail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import me.tongfei.progressbar.ProgressBarConsumer;
import org.junit.jupiter.api.Test;

/** The bar a terminal shows: per table and direction, percent, speed and time left, erased when done. */
class ProgressDisplayTest {

    /** Records what the bar draws. */
    private static final class Screen implements ProgressBarConsumer {
        final List<String> drawn = new ArrayList<>();
        int clears;

        @Override
        public int getMaxRenderedLength() {
            return 150;
        }

        @Override
        public synchronized void accept(String line) {
            drawn.add(line);
        }

        @Override
        public synchronized void clear() {
            clears++;
        }

        @Override
        public void close() {
        }

        synchronized int clears() {
            return clears;
        }

        synchronized String last() {
            return drawn.isEmpty() ? "" : drawn.get(drawn.size() - 1);
        }
    }

    @Test
    void aPassShowsPercentSpeedAndTimeLeftAndIsErasedWhenDone() throws Exception {
        List<Screen> screens = new ArrayList<>();
        ProgressDisplay display = ProgressDisplay.into(() -> {
            Screen s = new Screen();
            screens.add(s);
            return s;
        });
        assertThat(display.wantsTotals()).isTrue();
        display.starting("items", true, 400_000);
        display.processed("items", 100_000);
        Screen screen = screens.get(0);
        for (int i = 0; i < 40 && !screen.last().contains("100,000/400,000") && !screen.last().contains("100000/400000"); i++) {
            Thread.sleep(50);
        }
        assertThat(screen.last()).contains("items push").contains("25%").contains("rows/s").matches(".*/ \\d+:\\d\\d:\\d\\d\\).*");
        display.starting("items", false, 0);     // the pull has nothing: no bar, the push bar is erased
        assertThat(screen.clears()).isPositive();
        assertThat(screens).hasSize(1);
        display.starting("orders", true, 10);
        display.processed("orders", 25);          // echoes read too: the bar stops at its end
        display.close();
        assertThat(screens).hasSize(2);
        assertThat(screens.get(1).drawn).anyMatch(l -> l.contains("orders push") && l.contains("100%"));
        assertThat(screens.get(1).clears()).isPositive();
    }

    @Test
    void aPassThatEndsAtOnceLeavesNoBarBehind() {
        // the bar library draws first from its own thread; a bar closed before that draw was left on screen
        for (int i = 0; i < 200; i++) {
            List<Screen> screens = new ArrayList<>();
            ProgressDisplay display = ProgressDisplay.into(() -> {
                Screen s = new Screen();
                screens.add(s);
                return s;
            });
            display.starting("tiny", true, 3);
            display.processed("tiny", 3);
            display.close();
            assertThat(screens.get(0).clears()).as("bar %d erased", i).isPositive();
        }
    }

    @Test
    void noTerminalDrawsNothingAndCountsNothing() {
        ProgressDisplay display = ProgressDisplay.forTerminal(true); // tests run without a console
        assertThat(display.wantsTotals()).isFalse();
        display.starting("items", true, 10);
        display.processed("items", 5);
        display.close();
    }
}
