import { currentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { researchCampaignBySlug } from "@/lib/campaigns/access";
import { env } from "@/lib/env";
import { apiError } from "@/lib/http/api-error";
import { jsonError, jsonResponse } from "@/lib/http/api-response";
import { fromThisOrigin } from "@/lib/http/same-origin";
import { importFile, importMtBench, ImportRejected } from "@/lib/imports/read-files";
import { readMultipartFiles } from "@/lib/uploads/multipart";

/**
 * Imports prompts and outputs into a campaign: multipart form with either `file` (JSONL or CSV
 * rows) or `questions` (question.jsonl) plus one or more `answers` (model_answer/*.jsonl).
 * 200 `{summary}`, 422 with the first 200 line-numbered problems as `details` and their `total`
 * (nothing written), 401/403/404 otherwise;
 * 403 for a request that does not come from one of this app's pages (its Origin).
 */
/** A file with thousands of problems lists the first ones: enough to see what is wrong with it. */
const MAX_LISTED_PROBLEMS = 200;

export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const user = await currentUser();
  if (!user) return jsonError(401, "UNAUTHENTICATED", "sign in first");
  if (!hasRole(user.role, "RESEARCHER")) return jsonError(403, "FORBIDDEN", "researchers only");
  const { slug } = await params;
  const campaign = await researchCampaignBySlug(user, slug);
  if (!campaign) return jsonError(404, "NOT_FOUND", "no such campaign");
  if (!fromThisOrigin(request)) return jsonError(403, "FORBIDDEN", "uploads come from this app's pages only");
  const upload = await readMultipartFiles(request, env().HIKAKU_MAX_UPLOAD_MB * 1024 * 1024);
  if (!upload.ok) return jsonError(upload.status, upload.status === 413 ? "TOO_LARGE" : "INVALID", upload.error);
  const part = (field: string) => upload.files.find((f) => f.field === field) ?? null;
  try {
    const file = part("file");
    const questions = part("questions");
    let summary;
    if (file) {
      summary = await importFile(user.id, campaign.id, file);
    } else if (questions) {
      const answers = upload.files.filter((f) => f.field === "answers");
      summary = await importMtBench(user.id, campaign.id, questions, answers);
    } else {
      return jsonError(400, "INVALID", "attach a file, or question.jsonl and answer files");
    }
    return jsonResponse({ summary });
  } catch (error) {
    if (error instanceof ImportRejected)
      return jsonResponse(
        {
          ...apiError(
            "REJECTED",
            `${error.errors.length} problem(s) in the file: nothing was imported`,
            error.errors.slice(0, MAX_LISTED_PROBLEMS),
          ),
          total: error.errors.length,
        },
        422,
      );
    throw error;
  }
}
