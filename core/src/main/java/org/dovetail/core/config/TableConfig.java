package org.dovetail.core.config;

import org.dovetail.core.table.TableName;

/** One replicated table and its policy (null: the global default). */
public record TableConfig(TableName name, Policy policy) {
}
