-- CreateEnum
CREATE TYPE "StopTarget" AS ENUM ('TOP', 'ADJACENT', 'VOTES');

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "stopTarget" "StopTarget",
ADD COLUMN     "stopTargetMetAt" TIMESTAMPTZ(3),
ADD COLUMN     "stopTargetValue" DOUBLE PRECISION;
