-- CreateEnum
CREATE TYPE "JudgeKind" AS ENUM ('IMPORTED', 'RUN');

-- CreateTable
CREATE TABLE "Judge" (
    "id" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "JudgeKind" NOT NULL,
    "model" TEXT,
    "prompt" TEXT,
    "baseUrl" TEXT,
    "apiModel" TEXT,
    "apiKeyCipher" TEXT,
    "promptText" TEXT,
    "swap" BOOLEAN NOT NULL DEFAULT true,
    "tokens" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Judge_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Verdict" (
    "id" UUID NOT NULL,
    "judgeId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "modelAId" UUID NOT NULL,
    "modelBId" UUID NOT NULL,
    "turn" INTEGER NOT NULL,
    "winner" "Winner",
    "g1" TEXT,
    "g2" TEXT,
    "inconsistent" BOOLEAN NOT NULL DEFAULT false,
    "scoreA" DOUBLE PRECISION,
    "scoreB" DOUBLE PRECISION,
    "explanation" TEXT,
    "explanationSwapped" TEXT,
    "tokens" INTEGER,
    "latencyMs" INTEGER,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Verdict_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JudgeScore" (
    "id" UUID NOT NULL,
    "judgeId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "turn" INTEGER NOT NULL,
    "score" DOUBLE PRECISION,
    "explanation" TEXT,

    CONSTRAINT "JudgeScore_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Judge_campaignId_name_key" ON "Judge"("campaignId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "Verdict_judgeId_promptId_modelAId_modelBId_turn_key" ON "Verdict"("judgeId", "promptId", "modelAId", "modelBId", "turn");

-- CreateIndex
CREATE UNIQUE INDEX "JudgeScore_judgeId_promptId_modelId_turn_key" ON "JudgeScore"("judgeId", "promptId", "modelId", "turn");

-- AddForeignKey
ALTER TABLE "Judge" ADD CONSTRAINT "Judge_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Judge" ADD CONSTRAINT "Judge_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verdict" ADD CONSTRAINT "Verdict_judgeId_fkey" FOREIGN KEY ("judgeId") REFERENCES "Judge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verdict" ADD CONSTRAINT "Verdict_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verdict" ADD CONSTRAINT "Verdict_modelAId_fkey" FOREIGN KEY ("modelAId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Verdict" ADD CONSTRAINT "Verdict_modelBId_fkey" FOREIGN KEY ("modelBId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JudgeScore" ADD CONSTRAINT "JudgeScore_judgeId_fkey" FOREIGN KEY ("judgeId") REFERENCES "Judge"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JudgeScore" ADD CONSTRAINT "JudgeScore_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JudgeScore" ADD CONSTRAINT "JudgeScore_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
