-- CreateEnum
CREATE TYPE "GoldAnswer" AS ENUM ('GOOD', 'BAD');

-- DropIndex
DROP INDEX "Vote_results_idx";

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "minSecondsPerVote" INTEGER;

-- AlterTable
ALTER TABLE "Output" ADD COLUMN     "gold" "GoldAnswer";

-- AlterTable
ALTER TABLE "Item" ADD COLUMN     "goldWinnerModelId" UUID;

-- AlterTable
ALTER TABLE "Vote" ADD COLUMN     "goldPassed" BOOLEAN,
ADD COLUMN     "tooFast" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Vote_results_idx" ON "Vote"("campaignId", "createdAt", "seq", "modelAId", "modelBId", "winner", "identityLeak", "tooFast", "annotatorId");
