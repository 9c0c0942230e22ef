-- AlterTable
ALTER TABLE "GenerationJob" ADD COLUMN     "chunkCount" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "guardPending" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "guardReading" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "readingText" TEXT,
ADD COLUMN     "streamedChars" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "GenerationChunk" (
    "jobId" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "text" TEXT NOT NULL,

    CONSTRAINT "GenerationChunk_pkey" PRIMARY KEY ("jobId","attempt","seq")
);

-- AddForeignKey
ALTER TABLE "GenerationChunk" ADD CONSTRAINT "GenerationChunk_jobId_fkey" FOREIGN KEY ("jobId") REFERENCES "GenerationJob"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Identity words are now matched with invisible characters of every kind removed and look-alike
-- letters folded (lib/markdown/plain-text.ts): outputs' match text is worked out again, the next
-- time their campaign's pairs are checked.
UPDATE "Output" SET "matchText" = NULL;
