-- A change number for rows the sync writes without a trigger, noted as in flight like the triggers' own.
CREATE ALIAS "DOVETAIL"."NEXT_SEQ" FOR 'org.dovetail.sql.h2.Watermark.nextSeq';
