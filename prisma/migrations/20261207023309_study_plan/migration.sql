-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "studyPlan" JSONB,
ADD COLUMN     "studyPlanAt" TIMESTAMPTZ(3);
