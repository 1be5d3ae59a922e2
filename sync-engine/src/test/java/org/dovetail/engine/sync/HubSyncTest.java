package org.dovetail.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.dovetail.core.DovetailException;
import org.dovetail.core.ExitCode;
import org.junit.jupiter.api.Test;

/** How {@code sync HUB --all} folds its peers' exit codes into one. */
class HubSyncTest {

    private static HubSync.Result of(ExitCode... codes) {
        List<HubSync.Peer> peers = Arrays.stream(codes).map(c -> new HubSync.Peer("p" + c.code(), null, c, "x")).toList();
        return new HubSync.Result("hub", peers, Duration.ZERO);
    }

    @Test
    void theMostSeriousCodeWinsAndALockedPairCountsAsDoneForTheOthers() {
        assertThat(of(ExitCode.OK, ExitCode.OK).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(of(ExitCode.OK, ExitCode.LOCKED).exitCode()).isEqualTo(ExitCode.OK);
        assertThat(of(ExitCode.CONFLICTS, ExitCode.LOCKED, ExitCode.OK).exitCode()).isEqualTo(ExitCode.CONFLICTS);
        assertThat(of(ExitCode.CONFLICTS, ExitCode.USAGE).exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(of(ExitCode.USAGE, ExitCode.FAILED, ExitCode.CONFLICTS).exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(of(ExitCode.LOCKED, ExitCode.LOCKED).exitCode()).isEqualTo(ExitCode.LOCKED);
    }

    @Test
    void peersRunInTheirOrderWhateverTheParallelismAndAFailureStaysWithItsPeer() {
        HubSync.Result result = new HubSync("hub", List.of("a", "b", "c"), 3).run(peer -> {
            if (peer.equals("b")) {
                throw DovetailException.failed("b is down", null);
            }
            return new SyncResult("run-" + peer, "hub", peer, false, List.of(), peer.equals("c") ? 1 : 0, Duration.ZERO);
        });
        assertThat(result.peers()).extracting(HubSync.Peer::name).containsExactly("a", "b", "c");
        assertThat(result.peers().get(1).exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(result.peers().get(1).error()).isEqualTo("b is down");
        assertThat(result.peers().get(2).exitCode()).isEqualTo(ExitCode.CONFLICTS);
        assertThat(result.exitCode()).isEqualTo(ExitCode.FAILED);
    }

    @Test
    void parallelBelowOneAndNoPeersAreUsageErrors() {
        assertThatThrownBy(() -> new HubSync("hub", List.of("a"), 0)).isInstanceOf(DovetailException.class)
                .hasMessageContaining("--parallel must be at least 1");
        assertThatThrownBy(() -> new HubSync("hub", List.of(), 1)).isInstanceOf(DovetailException.class)
                .hasMessageContaining("no other site is configured");
    }
}
