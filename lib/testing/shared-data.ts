import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `../shared` beside the checkout: the real datasets and reference fixtures tests read. Mutation
 * testing runs the tests from a sandbox copy deeper in the tree, so `HIKAKU_SHARED_DIR` may point
 * at it explicitly (`npm run test:mutation` sets it).
 */
export const SHARED_DIR = process.env.HIKAKU_SHARED_DIR ?? fileURLToPath(new URL("../../../shared/", import.meta.url));

export const sharedPath = (...parts: string[]): string => resolve(SHARED_DIR, ...parts);
