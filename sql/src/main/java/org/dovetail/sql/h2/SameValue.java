package org.dovetail.sql.h2;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Whether an UPDATE really changed a user column: the Java values H2 passes to a trigger
 * are compared for the exact stored value, not for SQL equality.
 *
 * <p>So {@code 1.0} and {@code 1.00} in an unconstrained NUMERIC differ (same number, other
 * scale, and the scale travels with the row); {@code 0.0} and {@code -0.0} differ, NaN equals
 * NaN; timestamps with time zone equal only with the same offset; strings and binary values
 * compare by content, large objects too (read in chunks).
 */
final class SameValue {
    private static final int CHUNK = 8192;

    private SameValue() {
    }

    static boolean test(Object a, Object b) throws SQLException {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return false;
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.equals(y); // value and scale
        }
        if (a instanceof Clob x && b instanceof Clob y) {
            return x.length() == y.length() && sameChars(x.getCharacterStream(), y.getCharacterStream());
        }
        if (a instanceof Blob x && b instanceof Blob y) {
            return x.length() == y.length() && sameBytes(x.getBinaryStream(), y.getBinaryStream());
        }
        if (a instanceof Object[] x && b instanceof Object[] y) {
            return Arrays.deepEquals(x, y);
        }
        return Objects.equals(a, b); // Double/Float.equals: NaN == NaN, 0.0 != -0.0
    }

    private static boolean sameChars(Reader x, Reader y) throws SQLException {
        try (x; y) {
            char[] bx = new char[CHUNK];
            char[] by = new char[CHUNK];
            while (true) {
                int nx = fill(x, bx);
                int ny = fill(y, by);
                if (nx != ny || !Arrays.equals(bx, 0, nx, by, 0, ny)) {
                    return false;
                }
                if (nx < CHUNK) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new SQLException("reading a CLOB value", e);
        }
    }

    private static boolean sameBytes(InputStream x, InputStream y) throws SQLException {
        try (x; y) {
            while (true) {
                byte[] bx = x.readNBytes(CHUNK);
                byte[] by = y.readNBytes(CHUNK);
                if (!Arrays.equals(bx, by)) {
                    return false;
                }
                if (bx.length < CHUNK) {
                    return true;
                }
            }
        } catch (IOException e) {
            throw new SQLException("reading a BLOB value", e);
        }
    }

    /** Reads until the buffer is full or the stream ends; how many chars were read. */
    private static int fill(Reader in, char[] buffer) throws IOException {
        int n = 0;
        while (n < buffer.length) {
            int read = in.read(buffer, n, buffer.length - n);
            if (read < 0) {
                break;
            }
            n += read;
        }
        return n;
    }
}
