-- AlterEnum
ALTER TYPE "SamplingStrategy" ADD VALUE 'UNIFORM';
