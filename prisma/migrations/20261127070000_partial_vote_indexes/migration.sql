-- Written by hand (Prisma's schema language has no partial indexes; schema.prisma says so beside
-- each). Imported votes have no assignment and no annotator, app votes no import key: an index
-- on a column that is null for a whole kind of vote only costs that kind an insert per row.
DROP INDEX "Vote_assignmentId_key";
CREATE UNIQUE INDEX "Vote_assignmentId_key" ON "Vote"("assignmentId") WHERE "assignmentId" IS NOT NULL;

DROP INDEX "Vote_annotatorId_createdAt_idx";
CREATE INDEX "Vote_annotatorId_createdAt_idx" ON "Vote"("annotatorId", "createdAt") WHERE "annotatorId" IS NOT NULL;

DROP INDEX "Vote_campaignId_importKey_key";
CREATE UNIQUE INDEX "Vote_campaignId_importKey_key" ON "Vote"("campaignId", "importKey") WHERE "importKey" IS NOT NULL;
