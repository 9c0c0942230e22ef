-- CreateEnum
CREATE TYPE "DuplicateKind" AS ENUM ('EXACT', 'NEAR');

-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "bands" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "duplicateKind" "DuplicateKind",
ADD COLUMN     "duplicateOfId" UUID,
ADD COLUMN     "minhash" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
ADD COLUMN     "similarity" DOUBLE PRECISION,
ADD COLUMN     "textHash" TEXT;

-- CreateIndex
CREATE INDEX "Prompt_campaignId_textHash_idx" ON "Prompt"("campaignId", "textHash");

-- CreateIndex
CREATE INDEX "Prompt_bands_idx" ON "Prompt" USING GIN ("bands");
