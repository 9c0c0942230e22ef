-- CreateEnum
CREATE TYPE "PromptSource" AS ENUM ('IMPORTED', 'LIVE');

-- CreateEnum
CREATE TYPE "EndpointKind" AS ENUM ('PUSHED', 'PULLED');

-- CreateEnum
CREATE TYPE "BattleState" AS ENUM ('GENERATING', 'READY', 'VOIDED');

-- CreateEnum
CREATE TYPE "JobState" AS ENUM ('PENDING', 'RUNNING', 'DONE', 'FAILED', 'CANCELLED');

-- AlterTable
ALTER TABLE "Campaign" ADD COLUMN     "live" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "liveMaxTurns" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "livePromptMaxChars" INTEGER NOT NULL DEFAULT 4000,
ADD COLUMN     "livePromptsPerHour" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "moderationWords" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "Prompt" ADD COLUMN     "authorId" UUID,
ADD COLUMN     "source" "PromptSource" NOT NULL DEFAULT 'IMPORTED';

-- AlterTable
ALTER TABLE "Output" ADD COLUMN     "generation" JSONB;

-- CreateTable
CREATE TABLE "ModelEndpoint" (
    "id" UUID NOT NULL,
    "campaignId" UUID NOT NULL,
    "modelId" UUID NOT NULL,
    "kind" "EndpointKind" NOT NULL,
    "baseUrl" TEXT,
    "apiModel" TEXT,
    "apiKeyCipher" TEXT,
    "systemPrompt" TEXT NOT NULL DEFAULT '',
    "params" JSONB NOT NULL DEFAULT '{}',
    "concurrency" INTEGER NOT NULL DEFAULT 4,
    "timeoutSeconds" INTEGER NOT NULL DEFAULT 120,
    "workerTokenHash" TEXT,
    "workerTokenPrefix" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastSeenAt" TIMESTAMPTZ(3),
    "answered" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ModelEndpoint_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LiveBattle" (
    "id" TEXT NOT NULL,
    "campaignId" UUID NOT NULL,
    "annotatorId" UUID NOT NULL,
    "state" "BattleState" NOT NULL DEFAULT 'GENERATING',
    "userTurns" JSONB NOT NULL,
    "leftEndpointId" UUID NOT NULL,
    "rightEndpointId" UUID NOT NULL,
    "promptId" UUID,
    "assignmentId" TEXT,
    "voidCause" TEXT,
    "voidDetail" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "LiveBattle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GenerationJob" (
    "id" TEXT NOT NULL,
    "battleId" TEXT NOT NULL,
    "endpointId" UUID NOT NULL,
    "onLeft" BOOLEAN NOT NULL,
    "turn" INTEGER NOT NULL,
    "messages" JSONB NOT NULL,
    "state" "JobState" NOT NULL DEFAULT 'PENDING',
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "leaseUntil" TIMESTAMPTZ(3),
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "content" TEXT NOT NULL DEFAULT '',
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "firstTokenAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "GenerationJob_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ModelEndpoint_workerTokenHash_key" ON "ModelEndpoint"("workerTokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "ModelEndpoint_campaignId_modelId_key" ON "ModelEndpoint"("campaignId", "modelId");

-- CreateIndex
CREATE UNIQUE INDEX "LiveBattle_promptId_key" ON "LiveBattle"("promptId");

-- CreateIndex
CREATE UNIQUE INDEX "LiveBattle_assignmentId_key" ON "LiveBattle"("assignmentId");

-- CreateIndex
CREATE INDEX "LiveBattle_campaignId_state_createdAt_idx" ON "LiveBattle"("campaignId", "state", "createdAt");

-- CreateIndex
CREATE INDEX "LiveBattle_annotatorId_createdAt_idx" ON "LiveBattle"("annotatorId", "createdAt");

-- CreateIndex
CREATE INDEX "GenerationJob_endpointId_state_createdAt_idx" ON "GenerationJob"("endpointId", "state", "createdAt");

-- CreateIndex
CREATE INDEX "GenerationJob_battleId_turn_idx" ON "GenerationJob"("battleId", "turn");

-- CreateIndex
CREATE INDEX "GenerationJob_state_deadline_idx" ON "GenerationJob"("state", "deadline");

-- AddForeignKey
ALTER TABLE "ModelEndpoint" ADD CONSTRAINT "ModelEndpoint_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ModelEndpoint" ADD CONSTRAINT "ModelEndpoint_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveBattle" ADD CONSTRAINT "LiveBattle_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "Campaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LiveBattle" ADD CONSTRAINT "LiveBattle_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "Prompt"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GenerationJob" ADD CONSTRAINT "GenerationJob_battleId_fkey" FOREIGN KEY ("battleId") REFERENCES "LiveBattle"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GenerationJob" ADD CONSTRAINT "GenerationJob_endpointId_fkey" FOREIGN KEY ("endpointId") REFERENCES "ModelEndpoint"("id") ON DELETE CASCADE ON UPDATE CASCADE;
