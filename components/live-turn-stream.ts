import type { StartResult } from "@/lib/live/battle-types";
import type { FailureCause } from "@/lib/live/openai";
import { readServerEvents } from "@/lib/live/sse";
import type { AssignmentView } from "@/lib/scheduling/view";

export type VoidCause = FailureCause;

/** Why a prompt was not sent: the server's refusal (lib/live/start.ts, follow-up.ts), a body it could not read, or the network. */
export type LiveRefusal = Exclude<StartResult, { ok: true }>["code"] | "INVALID" | "NETWORK";

export type LiveTurn = { campaignId: string; prompt: string } | { assignmentId: string; prompt: string };

export interface LiveAnswers {
  left: string;
  right: string;
  end: { type: "ready"; assignment: AssignmentView } | { type: "void"; cause: VoidCause | "network" } | null;
}

/**
 * One live turn's answers as they arrive: the prompt goes out and the answers come back in the
 * same request (POST /api/v1/live/battles). The text is kept here, not in a component, so that
 * rendering (React may mount an effect twice) never reads or replays the stream twice.
 */
export class LiveTurnStream {
  private answers: LiveAnswers = { left: "", right: "", end: null };
  private listeners = new Set<() => void>();
  private endTaken = false;

  private constructor(private readonly controller: AbortController) {}

  /** Sends the turn; resolves once the server has accepted it (the stream is then open) or refused it. */
  static async open(turn: LiveTurn): Promise<{ ok: true; stream: LiveTurnStream } | { ok: false; code: LiveRefusal }> {
    const controller = new AbortController();
    let response: Response;
    try {
      response = await fetch("/api/v1/live/battles", {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
        body: JSON.stringify(turn),
        signal: controller.signal,
      });
    } catch {
      return { ok: false, code: "NETWORK" };
    }
    if (!response.ok || !response.body) {
      const refusal = (await response.json().catch(() => null)) as { code?: LiveRefusal } | null;
      return { ok: false, code: refusal?.code ?? "NETWORK" };
    }
    const stream = new LiveTurnStream(controller);
    void stream.read(response.body);
    return { ok: true, stream };
  }

  /** Stops reading; the server then stops both generations and voids the battle if it was not done. */
  close = () => this.controller.abort();

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = () => this.answers;

  /** True the first time it is called after the end arrived: the end is acted on once. */
  takeEnd(): boolean {
    if (!this.answers.end || this.endTaken) return false;
    this.endTaken = true;
    return true;
  }

  private update(change: Partial<LiveAnswers>) {
    this.answers = { ...this.answers, ...change };
    for (const listener of this.listeners) listener();
  }

  private async read(body: ReadableStream<Uint8Array>) {
    try {
      for await (const event of readServerEvents(body)) {
        const data = JSON.parse(event.data) as { side?: "left" | "right"; text?: string; assignment?: AssignmentView; cause?: VoidCause };
        if (event.type === "delta" && data.side) this.update({ [data.side]: this.answers[data.side] + (data.text ?? "") });
        else if (event.type === "reset" && data.side) this.update({ [data.side]: "" });
        else if (event.type === "ready" && data.assignment) return this.update({ end: { type: "ready", assignment: data.assignment } });
        else if (event.type === "void") return this.update({ end: { type: "void", cause: data.cause ?? "error" } });
      }
    } catch {
      // The connection broke (or was closed here): a battle's stream cannot be resumed.
    } finally {
      this.controller.abort();
    }
    if (!this.answers.end) this.update({ end: { type: "void", cause: "network" } });
  }
}
