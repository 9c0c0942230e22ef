-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "excludeReason" TEXT,
ADD COLUMN     "excludedAt" TIMESTAMPTZ(3),
ADD COLUMN     "excludedById" UUID;
