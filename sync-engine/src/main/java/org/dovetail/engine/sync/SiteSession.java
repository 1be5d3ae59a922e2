package org.dovetail.engine.sync;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.dovetail.core.DovetailException;
import org.dovetail.core.capture.PairLock;
import org.dovetail.core.dialect.Dialect;
import org.dovetail.core.site.Dsl;
import org.dovetail.core.site.Site;
import org.dovetail.core.site.SiteIdentity;
import org.dovetail.core.site.SqlErrors;
import org.dovetail.core.site.SiteMetadata;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;

/**
 * One site during a sync: a repeatable-read connection for reading changes, one for
 * writing (which holds the pair lock too, unless the dialect's lock needs a connection of its
 * own), and the site's identity.
 */
final class SiteSession implements AutoCloseable {
    final Site site;
    final Dialect dialect;
    final Connection read;
    final Connection write;
    final SiteIdentity identity;
    private final List<Connection> opened = new ArrayList<>();
    private PairLock lock;

    private SiteSession(Site site) throws SQLException {
        this.site = site;
        this.dialect = site.dialect();
        this.write = open();
        this.identity = identity(new SiteMetadata(write, dialect)).orElseThrow(() -> DovetailException.usage("site '"
                + site.name() + "' has no identity; run: dovetail install " + site.name()));
        write.commit();
        this.read = open();
        read.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    }

    /**
     * The identity the site's metadata holds: read straight away, since an installed site is the
     * rule, and only when that fails is the catalog asked whether the metadata is there at all.
     */
    private Optional<SiteIdentity> identity(SiteMetadata metadata) throws SQLException {
        try {
            return metadata.identity();
        } catch (DataAccessException e) {
            write.rollback();
            if (metadata.exists()) {
                close();
                throw e;
            }
        }
        close();
        throw DovetailException.usage("site '" + site.name() + "' is not installed (run: dovetail install "
                + site.name() + ")");
    }

    static SiteSession open(Site site) {
        try {
            return new SiteSession(site);
        } catch (SQLException e) {
            throw DovetailException.failed("site '" + site.name() + "': " + SqlErrors.describe(e), e);
        }
    }

    private Connection open() {
        Connection c = site.connect();
        opened.add(c);
        return c;
    }

    /** The site's name as installed there (what dv_site and dv_from hold). */
    String name() {
        return identity.name();
    }

    DSLContext dsl(Connection c) {
        return Dsl.of(c, dialect);
    }

    /**
     * Takes the pair lock at this site, on the writing connection when the lock outlives its
     * transactions, else on a connection of its own; false when another process holds it.
     */
    boolean tryLock(String pairKey) throws SQLException {
        Connection c = dialect.pairLockSharesConnection() ? write : open();
        Optional<PairLock> taken = dialect.tryLockPair(c, pairKey);
        taken.ifPresent(l -> lock = l);
        return taken.isPresent();
    }

    @Override
    public void close() {
        // rolled back first: releasing a lock that shares the writing connection commits there
        for (Connection c : opened) {
            try {
                if (!c.isClosed()) {
                    c.rollback();
                }
            } catch (SQLException ignored) {
                // closing after a failure: closed below all the same
            }
        }
        if (lock != null) {
            try {
                lock.close();
            } catch (RuntimeException ignored) {
                // the connection is closed below, which releases the lock anyway
            }
        }
        for (Connection c : opened) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // closing after a failure: nothing more to do
            }
        }
    }
}
