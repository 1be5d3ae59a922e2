package org.dovetail.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import org.dovetail.core.capture.Watermark;
import org.dovetail.core.row.ValueKind;
import org.junit.jupiter.api.Test;

/** Which columns a site changed since the pair last met, read from a row's dv_cols (docs/bookkeeping.md). */
class ColumnChangesTest {
    /** id (key), phone, address, note at site A ("hq", lower case) and site B (upper case, as H2 names them). */
    private static final TablePair PEOPLE = new TablePair("people", null, null, List.of(
            new ColumnPair("id", "ID", ValueKind.INTEGER, true, false, false),
            new ColumnPair("phone", "PHONE", ValueKind.TEXT, false, false, false),
            new ColumnPair("address", "ADDRESS", ValueKind.TEXT, false, false, false),
            new ColumnPair("note", "NOTE", ValueKind.TEXT, false, false, false)), true);

    private static RowState row(long seq, String from, Long txid, String cols) {
        return new RowState(new Object[4], false, 3, "o", "hq", null, seq, from, txid, cols, false);
    }

    private static List<Integer> changed(boolean sideA, RowState row, Watermark peerHas, String peer) {
        BitSet set = ColumnChanges.changed(PEOPLE, sideA, row, peerHas, peer);
        return set.stream().boxed().toList();
    }

    @Test
    void aColumnChangedAfterWhatThePeerHasCountsAndOneItHasDoesNot() {
        RowState row = row(40, null, null, "{\"phone\":\"40\",\"address\":\"12\",\"note\":\"12\"}");
        assertThat(changed(true, row, new Watermark(20, null), "laptop")).containsExactly(1);
        assertThat(changed(true, row, new Watermark(5, null), "laptop")).containsExactly(1, 2, 3);
    }

    @Test
    void aValueThePeerSentIsNoChangeForThatPeerButIsForAnyOther() {
        RowState row = row(40, null, null, "{\"phone\":\"40\",\"address\":\"33@laptop\",\"note\":\"12\"}");
        assertThat(changed(true, row, new Watermark(20, null), "laptop")).containsExactly(1);
        assertThat(changed(true, row, new Watermark(20, null), "office")).containsExactly(1, 2);
    }

    @Test
    void noEntryMeansChangedInTheRowsLastWrite() {
        assertThat(changed(false, row(40, null, null, null), new Watermark(20, null), "hq")).containsExactly(1, 2, 3);
        assertThat(changed(false, row(40, "hq", null, "{\"PHONE\":\"41\"}"), new Watermark(20, null), "hq"))
                .containsExactly(1);
        // names are matched as this site's catalog stores them
        assertThat(changed(false, row(40, null, null, "{\"phone\":\"10\",\"ADDRESS\":\"10\",\"NOTE\":\"10\"}"),
                new Watermark(20, null), "hq")).containsExactly(1);
    }

    @Test
    void onPostgreSqlAnEntryOfATransactionInFlightWhenThePeerReadIsNotCovered() {
        // the peer read under snapshot 100:105:102 (transaction 102 still running): seq 15 of txid 102 is not received
        RowState row = row(40, null, 110L, "{\"phone\":\"15:102\",\"address\":\"14:101\",\"note\":\"40:110\"}");
        assertThat(changed(true, row, new Watermark(20, "100:105:102"), "laptop")).containsExactly(1, 3);
    }

    @Test
    void anEntryNoTriggerWroteCountsAsChanged() {
        RowState row = row(40, null, null, "{\"phone\":\"x\",\"address\":\"12\",\"note\":\"12\"}");
        assertThat(changed(true, row, new Watermark(20, null), "laptop")).containsExactly(1);
        assertThat(changed(true, row(40, null, null, "not json"), new Watermark(20, null), "laptop"))
                .containsExactly(1, 2, 3);
    }

    @Test
    void entriesAreReadAsSeqTxidAndPeer() {
        assertThat(ColumnChanges.seq("977:7702@laptop")).isEqualTo(977);
        assertThat(ColumnChanges.txid("977:7702@laptop")).isEqualTo(7702L);
        assertThat(ColumnChanges.from("977:7702@laptop")).isEqualTo("laptop");
        assertThat(ColumnChanges.txid("977")).isNull();
        assertThat(ColumnChanges.from("977")).isNull();
        assertThat(ColumnChanges.from("5@site@with@ats")).isEqualTo("site@with@ats");
    }
}
