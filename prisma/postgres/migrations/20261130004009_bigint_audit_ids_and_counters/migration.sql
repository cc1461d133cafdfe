-- AlterTable (written by hand: the schema engine emits "SET DATA TYPE BIGSERIAL", which PostgreSQL
-- rejects. A serial column becomes 64-bit by widening the column and its sequence.)
ALTER TABLE "AuditEvent" ALTER COLUMN "id" SET DATA TYPE BIGINT;
ALTER SEQUENCE "AuditEvent_id_seq" AS BIGINT;

-- AlterTable
ALTER TABLE "ParticipantCounter" ALTER COLUMN "received" SET DATA TYPE BIGINT,
ALTER COLUMN "answered" SET DATA TYPE BIGINT,
ALTER COLUMN "failed" SET DATA TYPE BIGINT;

-- AlterTable
ALTER TABLE "ServerCounter" ALTER COLUMN "received" SET DATA TYPE BIGINT,
ALTER COLUMN "answered" SET DATA TYPE BIGINT,
ALTER COLUMN "failed" SET DATA TYPE BIGINT;
