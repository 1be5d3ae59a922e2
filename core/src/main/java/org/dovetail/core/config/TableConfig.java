package org.dovetail.core.config;

import org.dovetail.core.table.TableName;

/** One replicated table, its policy and its merge (each null: the global default). */
public record TableConfig(TableName name, Policy policy, Merge merge) {
}
