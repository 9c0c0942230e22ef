import { NextResponse } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { researchCampaignBySlug } from "@/lib/campaigns/access";
import { env } from "@/lib/env";
import { fromThisOrigin } from "@/lib/http/same-origin";
import { importFile, importMtBench, ImportRejected } from "@/lib/imports/read-files";
import { readMultipartFiles } from "@/lib/uploads/multipart";

/**
 * Imports prompts and outputs into a campaign: multipart form with either `file` (JSONL or CSV
 * rows) or `questions` (question.jsonl) plus one or more `answers` (model_answer/*.jsonl).
 * 200 with the summary, 422 with line-numbered errors (nothing written), 401/403/404 otherwise;
 * 403 for a request that does not come from one of this app's pages (its Origin).
 */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const user = await currentUser();
  if (!user) return NextResponse.json({ error: "sign in first" }, { status: 401 });
  if (!hasRole(user.role, "RESEARCHER")) return NextResponse.json({ error: "researchers only" }, { status: 403 });
  const { slug } = await params;
  const campaign = await researchCampaignBySlug(user, slug);
  if (!campaign) return NextResponse.json({ error: "no such campaign" }, { status: 404 });
  if (!fromThisOrigin(request)) return NextResponse.json({ error: "uploads come from this app's pages only" }, { status: 403 });
  const upload = await readMultipartFiles(request, env().HIKAKU_MAX_UPLOAD_MB * 1024 * 1024);
  if (!upload.ok) return NextResponse.json({ error: upload.error }, { status: upload.status });
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
      return NextResponse.json({ error: "attach a file, or question.jsonl and answer files" }, { status: 400 });
    }
    return NextResponse.json({ ok: true, summary });
  } catch (error) {
    if (error instanceof ImportRejected)
      return NextResponse.json({ ok: false, errors: error.errors.slice(0, 200), total: error.errors.length }, { status: 422 });
    throw error;
  }
}
