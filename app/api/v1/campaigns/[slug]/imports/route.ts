import { NextResponse } from "next/server";
import { currentUser } from "@/lib/auth/session";
import { hasRole } from "@/lib/auth/roles";
import { researchCampaignBySlug } from "@/lib/campaigns/access";
import { importFile, importMtBench, ImportRejected } from "@/lib/imports/read-files";

const MAX_UPLOAD_BYTES = 512 * 1024 * 1024;

async function textOf(value: FormDataEntryValue | null): Promise<{ name: string; content: string } | null> {
  if (!value || typeof value === "string") return null;
  return { name: value.name, content: await value.text() };
}

/**
 * Imports prompts and outputs into a campaign: multipart form with either `file` (JSONL or CSV
 * rows) or `questions` (question.jsonl) plus one or more `answers` (model_answer/*.jsonl).
 * 200 with the summary, 422 with line-numbered errors (nothing written), 401/403/404 otherwise.
 */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  const user = await currentUser();
  if (!user) return NextResponse.json({ error: "sign in first" }, { status: 401 });
  if (!hasRole(user.role, "RESEARCHER")) return NextResponse.json({ error: "researchers only" }, { status: 403 });
  const { slug } = await params;
  const campaign = await researchCampaignBySlug(user, slug);
  if (!campaign) return NextResponse.json({ error: "no such campaign" }, { status: 404 });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_UPLOAD_BYTES) {
    return NextResponse.json({ error: "the upload is larger than 512 MB" }, { status: 413 });
  }

  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return NextResponse.json({ error: "expected a multipart form upload" }, { status: 400 });
  }
  try {
    const file = await textOf(form.get("file"));
    const questions = await textOf(form.get("questions"));
    let summary;
    if (file) {
      summary = await importFile(user.id, campaign.id, file);
    } else if (questions) {
      const answers = (await Promise.all(form.getAll("answers").map(textOf))).filter((a) => a !== null);
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
