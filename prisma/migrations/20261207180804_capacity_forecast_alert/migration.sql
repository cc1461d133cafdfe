-- AlterTable
ALTER TABLE "AlertEngine" ADD COLUMN "forecastRaisedAt" DATETIME;

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_AlertConfig" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "pendingAfterMinutes" INTEGER NOT NULL DEFAULT 15,
    "webhook" TEXT,
    "syslog" TEXT,
    "email" TEXT,
    "updatedAt" DATETIME NOT NULL,
    "forecastDays" INTEGER NOT NULL DEFAULT 30
);
INSERT INTO "new_AlertConfig" ("email", "id", "pendingAfterMinutes", "syslog", "updatedAt", "webhook") SELECT "email", "id", "pendingAfterMinutes", "syslog", "updatedAt", "webhook" FROM "AlertConfig";
DROP TABLE "AlertConfig";
ALTER TABLE "new_AlertConfig" RENAME TO "AlertConfig";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
