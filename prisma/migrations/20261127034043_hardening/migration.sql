-- CreateEnum
CREATE TYPE "SignInOutcome" AS ENUM ('PENDING', 'SUCCESS', 'FAILURE', 'THROTTLED');

-- AlterTable (attempts keep what they were: a success or a failure)
ALTER TABLE "SignInAttempt" ADD COLUMN     "outcome" "SignInOutcome" NOT NULL DEFAULT 'PENDING',
ALTER COLUMN "ip" DROP NOT NULL;
UPDATE "SignInAttempt" SET "outcome" = CASE WHEN "success" THEN 'SUCCESS'::"SignInOutcome" ELSE 'FAILURE'::"SignInOutcome" END;
UPDATE "SignInAttempt" SET "ip" = NULL WHERE "ip" = 'unknown';
ALTER TABLE "SignInAttempt" DROP COLUMN "success";

-- AlterTable
ALTER TABLE "Output" ADD COLUMN     "matchText" TEXT;
