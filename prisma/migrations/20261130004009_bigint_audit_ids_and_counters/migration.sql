-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_ParticipantCounter" (
    "participantId" TEXT NOT NULL,
    "messageType" TEXT NOT NULL,
    "received" BIGINT NOT NULL DEFAULT 0,
    "answered" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("participantId", "messageType"),
    CONSTRAINT "ParticipantCounter_participantId_fkey" FOREIGN KEY ("participantId") REFERENCES "Participant" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_ParticipantCounter" ("answered", "failed", "messageType", "participantId", "received") SELECT "answered", "failed", "messageType", "participantId", "received" FROM "ParticipantCounter";
DROP TABLE "ParticipantCounter";
ALTER TABLE "new_ParticipantCounter" RENAME TO "ParticipantCounter";
CREATE TABLE "new_ServerCounter" (
    "serverId" TEXT NOT NULL,
    "messageType" TEXT NOT NULL,
    "received" BIGINT NOT NULL DEFAULT 0,
    "answered" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,

    PRIMARY KEY ("serverId", "messageType")
);
INSERT INTO "new_ServerCounter" ("answered", "failed", "messageType", "received", "serverId") SELECT "answered", "failed", "messageType", "received", "serverId" FROM "ServerCounter";
DROP TABLE "ServerCounter";
ALTER TABLE "new_ServerCounter" RENAME TO "ServerCounter";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
