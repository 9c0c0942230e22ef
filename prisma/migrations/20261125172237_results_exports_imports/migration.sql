-- CreateEnum
CREATE TYPE "CorrectionPolicy" AS ENUM ('OFF', 'OPTIONAL', 'REQUIRED_AFTER_BOTH_BAD');

-- DropIndex
DROP INDEX "Vote_campaignId_createdAt_idx";

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "correctionPolicy" "CorrectionPolicy" NOT NULL DEFAULT 'OFF',
ADD COLUMN     "pseudonymSalt" TEXT NOT NULL DEFAULT (gen_random_uuid())::text,
ADD COLUMN     "resultsVersion" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "voteCategories" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Vote" ADD COLUMN     "category" TEXT,
ADD COLUMN     "conversationA" JSONB,
ADD COLUMN     "conversationB" JSONB,
ADD COLUMN     "importHash" TEXT,
ADD COLUMN     "importKey" TEXT,
ADD COLUMN     "judge" TEXT,
ADD COLUMN     "language" TEXT,
ADD COLUMN     "questionId" TEXT,
ADD COLUMN     "seq" BIGSERIAL NOT NULL,
ADD COLUMN     "turn" INTEGER,
ALTER COLUMN "assignmentId" DROP NOT NULL,
ALTER COLUMN "annotatorId" DROP NOT NULL,
ALTER COLUMN "promptId" DROP NOT NULL,
ALTER COLUMN "durationMs" DROP NOT NULL,
ALTER COLUMN "createdAt" SET DATA TYPE TIMESTAMPTZ(6);

-- CreateTable
CREATE TABLE "ResultCache" (
    "campaignId" UUID NOT NULL,
    "filterKey" TEXT NOT NULL,
    "stamp" TEXT,
    "computedAt" TIMESTAMPTZ(3),
    "durationMs" INTEGER,
    "result" JSONB,
    "bootstrap" BYTEA,
    "error" TEXT,
    "computingStamp" TEXT,
    "computingUntil" TIMESTAMPTZ(3),
    "lastReadAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ResultCache_pkey" PRIMARY KEY ("campaignId","filterKey")
);

-- CreateIndex
CREATE INDEX "ResultCache_lastReadAt_idx" ON "ResultCache"("lastReadAt");

-- CreateIndex
CREATE INDEX "Vote_campaignId_createdAt_seq_idx" ON "Vote"("campaignId", "createdAt", "seq");

-- CreateIndex
CREATE INDEX "Vote_campaignId_seq_idx" ON "Vote"("campaignId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Vote_campaignId_importKey_key" ON "Vote"("campaignId", "importKey");

-- AddForeignKey
ALTER TABLE "ResultCache" ADD CONSTRAINT "ResultCache_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;
