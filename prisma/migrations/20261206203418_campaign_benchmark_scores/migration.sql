-- DropIndex
DROP INDEX "BenchmarkScore_benchmark_idx";

-- DropIndex
DROP INDEX "BenchmarkScore_modelId_benchmark_key";

-- AlterTable: scores belong to a campaign. Each score stored before is kept with every campaign
-- that has its model (answers, votes or a live endpoint); a score no campaign uses is dropped.
ALTER TABLE "BenchmarkScore" ADD COLUMN     "campaignId" UUID;

INSERT INTO "BenchmarkScore" (id, "campaignId", "modelId", benchmark, score, "higherIsBetter", "createdAt")
SELECT gen_random_uuid(), c."campaignId", s."modelId", s.benchmark, s.score, s."higherIsBetter", s."createdAt"
FROM "BenchmarkScore" s
JOIN (
  SELECT p."campaignId", o."modelId" FROM "Output" o JOIN "Prompt" p ON p.id = o."promptId"
  UNION SELECT v."campaignId", v."modelAId" FROM "Vote" v
  UNION SELECT v."campaignId", v."modelBId" FROM "Vote" v
  UNION SELECT e."campaignId", e."modelId" FROM "ModelEndpoint" e
) c ON c."modelId" = s."modelId"
WHERE s."campaignId" IS NULL;

DELETE FROM "BenchmarkScore" WHERE "campaignId" IS NULL;

ALTER TABLE "BenchmarkScore" ALTER COLUMN "campaignId" SET NOT NULL;

-- CreateIndex
CREATE INDEX "BenchmarkScore_campaignId_benchmark_idx" ON "BenchmarkScore"("campaignId", "benchmark");

-- CreateIndex
CREATE UNIQUE INDEX "BenchmarkScore_campaignId_modelId_benchmark_key" ON "BenchmarkScore"("campaignId", "modelId", "benchmark");

-- AddForeignKey
ALTER TABLE "BenchmarkScore" ADD CONSTRAINT "BenchmarkScore_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;
