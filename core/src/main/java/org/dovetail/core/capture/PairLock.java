package org.dovetail.core.capture;

/** A held lock on one pair of sites at one site; released on close or when the process dies. */
public interface PairLock extends AutoCloseable {
    @Override
    void close();
}
