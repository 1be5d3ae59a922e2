package org.dovetail.core;

/** The process exit codes of SPEC section 6, in one place. */
public enum ExitCode {
    OK(0, "done, nothing needs attention"),
    FAILED(1, "failed (database or I/O error); whatever was committed is consistent"),
    USAGE(2, "usage or configuration error; nothing was touched"),
    CONFLICTS(3, "done, and conflicts were recorded in this run or are open"),
    LOCKED(4, "another sync of this pair holds the lock"),
    DIFFERENCES(5, "verify found differences");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }
}
